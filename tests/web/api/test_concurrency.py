"""Simultaneous requests against a real HTTP server on a free port: one thread per request,
each with its own database session, as in production."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Briefing, Revision, Update

UPDATES = "/api/v1/briefings/war/updates"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(server, method: str, path: str, token: str, body: Any = None, **headers: str) -> Answer:
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", **headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def at_once(*calls: Any) -> list[Answer]:
    """Run the calls in threads released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Any) -> Answer:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_edits_of_one_version_at_once_one_wins_and_no_text_is_lost(
    server, briefing, make_update, editor, make_user, make_token, openapi
):
    item = make_update(briefing, body="Original text")
    url = f"{UPDATES}/{item.id}"
    texts = ["Text from Kyiv desk", "Text from London desk"]
    tokens = [make_token(editor), make_token(make_user())]
    answers = at_once(
        *[
            (lambda t=token, x=text: send(server, "PATCH", url, t, {"version": 1, "body": x}))
            for token, text in zip(tokens, texts, strict=True)
        ]
    )

    assert sorted(a.status for a in answers) == [200, 409]
    by_status = {a.status: (a.json(), text) for a, text in zip(answers, texts, strict=True)}
    (winner, winner_text), (loser, loser_text) = by_status[200], by_status[409]
    openapi.schema("Update").validate(winner)
    openapi.schema("Problem").validate(loser)
    assert (winner["body"], winner["version"]) == (winner_text, 2)
    # The loser is refused with the text that beat it, and still holds its own (it sent
    # it), so the editor can merge the two; nothing was overwritten.
    assert loser["current_version"] == 2
    assert loser["current"]["body"] == winner_text != loser_text
    current = send(server, "GET", url, tokens[0]).json()
    assert (current["body"], current["version"]) == (winner_text, 2)
    db.session.expire_all()
    revisions = db.session.scalars(select(Revision).where(Revision.update_id == item.id)).all()
    assert [(r.body, r.version) for r in revisions] == [("Original text", 1)]


@pytest.mark.parametrize("round_", range(3))
def test_one_key_posted_twice_at_once_creates_one_update(
    server, briefing, editor, make_token, round_
):
    token = make_token(editor)
    payload = {"body": f"Breaking, round {round_}", "sources": ["reuters"]}

    def post() -> Answer:
        return send(server, "POST", UPDATES, token, payload, **{"Idempotency-Key": "race"})

    answers = at_once(post, post, post)

    db.session.expire_all()
    assert db.session.scalar(select(func.count(Update.id))) == 1
    # One created the update; the others lost the race for the key and replay it.
    assert [a.status for a in answers] == [201, 201, 201], [a.body for a in answers]
    assert len({a.body for a in answers}) == 1
    assert len({a.headers["Location"] for a in answers}) == 1
    retry = post()
    assert (retry.status, retry.body) == (201, answers[0].body)
    assert retry.headers["Location"] == answers[0].headers["Location"]


def test_chunked_body_over_the_limit_is_413_from_a_real_server(
    server, briefing, editor, make_token
):
    token = make_token(editor)
    connection = http.client.HTTPConnection(*server, timeout=30)
    chunks = [b'{"body": "'] + [b"x" * 65536] * 20 + [b'"}']
    try:
        connection.request(
            "POST",
            UPDATES,
            body=iter(chunks),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 413
        assert response.headers["Content-Type"] == "application/problem+json"
        assert json.loads(response.read())["status"] == 413
    finally:
        connection.close()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Update.id))) == 0


def test_two_briefings_created_with_one_slug_at_once_make_one_and_no_500(
    server, editor, make_user, make_token
):
    tokens = [make_token(editor), make_token(make_user())]
    answers = at_once(
        *[
            (
                lambda t=token: send(
                    server, "POST", "/api/v1/briefings", t, {"title": "Quake", "slug": "quake"}
                )
            )
            for token in tokens
        ]
    )
    statuses = sorted(a.status for a in answers)
    # The loser either sees the slug taken (422) or loses the race at the database (409).
    assert statuses in ([201, 409], [201, 422]), [a.body for a in answers]
    for answer in answers:
        if answer.status != 201:
            assert answer.headers["Content-Type"] == "application/problem+json"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Briefing.id))) == 1
