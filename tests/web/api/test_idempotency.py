"""Idempotency-Key: a bot that retries a POST never double-posts."""

from __future__ import annotations

import http.client
import io
import json
import time
import urllib.request
from datetime import timedelta
from textwrap import dedent

import pytest
from sqlalchemy import func, select, update

from briefing.extensions import db
from briefing.models import Briefing, IdempotencyKey, Media, Source, Update
from briefing.models.base import utcnow
from tests.live.test_gunicorn import start_gunicorn
from tests.media import pictures

UPDATES = "/api/v1/briefings/war/updates"
MEDIA = "/api/v1/media"


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_repeating_a_key_replays_the_first_response_and_creates_nothing(api, briefing):
    payload = {"body": "Explosions heard", "sources": ["reuters"]}
    first = api.post(UPDATES, payload, headers={"Idempotency-Key": "bot-run-1"})
    assert first.status_code == 201
    again = api.post(UPDATES, payload, headers={"Idempotency-Key": "bot-run-1"})
    assert again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.mimetype == "application/json"
    assert count(Update) == 1


def test_replay_ignores_key_order_and_whitespace_of_the_same_body(api, briefing):
    headers = {"Idempotency-Key": "k"}
    first = api.post(
        UPDATES,
        data='{"body":"x","key_event":true}',
        headers=headers,
        content_type="application/json",
    )
    again = api.post(
        UPDATES,
        data='{ "key_event": true,\n "body": "x" }',
        headers=headers,
        content_type="application/json",
    )
    assert again.get_data() == first.get_data()
    assert count(Update) == 1


def test_same_key_with_a_different_body_is_422(api, briefing):
    api.post(UPDATES, {"body": "First"}, headers={"Idempotency-Key": "k1"})
    response = api.post(UPDATES, {"body": "Second"}, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(Update) == 1


def test_same_key_on_another_endpoint_is_422(api, briefing):
    assert api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": "k"}).status_code == 201
    response = api.post("/api/v1/briefings", {"title": "x"}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert count(Briefing) == 1


def test_keys_belong_to_their_user(api, api_as, make_user, briefing):
    other_editor = api_as(make_user())
    for client in (api, other_editor):
        response = client.post(UPDATES, {"body": "Same"}, headers={"Idempotency-Key": "shared"})
        assert response.status_code == 201
    assert count(Update) == 2


def test_a_refused_request_does_not_use_up_its_key(api, briefing):
    refused = api.post(
        UPDATES, {"body": "x", "sources": ["nope"]}, headers={"Idempotency-Key": "retry-me"}
    )
    assert refused.status_code == 422
    assert count(IdempotencyKey) == 0
    fixed = api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": "retry-me"})
    assert fixed.status_code == 201


def test_idempotent_creation_of_briefings_and_sources(api, api_as, admin):
    headers = {"Idempotency-Key": "once"}
    payload = {"title": "Once only"}
    first = api.post("/api/v1/briefings", payload, headers=headers)
    assert api.post("/api/v1/briefings", payload, headers=headers).get_data() == first.get_data()
    assert count(Briefing) == 1

    as_admin = api_as(admin)
    before = count(Source)
    source = {"slug": "once", "name": "Once", "url": "https://once.example/"}
    first = as_admin.post("/api/v1/sources", source, headers=headers)
    again = as_admin.post("/api/v1/sources", source, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_data() == first.get_data()
    assert count(Source) == before + 1


def test_a_retried_photo_upload_stores_one_photo(api):
    photo = pictures.jpeg(800, 600)

    def send(key: str, *, alt: str = "Smoke over the port", data: bytes = photo):
        form = {"alt": alt, "file": (io.BytesIO(data), "photo.jpg", "image/jpeg")}
        headers = {"Idempotency-Key": key}
        return api.post(MEDIA, data=form, content_type="multipart/form-data", headers=headers)

    first = send("upload-1")
    assert first.status_code == 201, first.get_json()
    again = send("upload-1")
    assert again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Media) == 1
    # The same key with other words, or with another file, is another request: refused.
    for other in (send("upload-1", alt="Fire"), send("upload-1", data=pictures.jpeg(801, 600))):
        assert other.status_code == 422
        assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(Media) == 1
    assert send("upload-2").status_code == 201
    assert count(Media) == 2


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_malformed_key_is_422(api, briefing, key):
    response = api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(Update) == 0


@pytest.mark.parametrize("depth", [10, 500, 990])
def test_deeply_nested_body_with_a_key_is_refused_not_crashed(api, briefing, depth):
    data = '{"body": "x", "extra": ' + "[" * depth + "]" * depth + "}"
    response = api.post(
        UPDATES, data=data, content_type="application/json", headers={"Idempotency-Key": "deep"}
    )
    assert response.status_code in (400, 422)
    assert count(IdempotencyKey) == 0


def test_a_replay_shows_the_resource_created_first_as_it_is_now(api, briefing):
    payload = {"body": "First text"}
    first = api.post(UPDATES, payload, headers={"Idempotency-Key": "k"})
    url = first.headers["Location"]
    api.patch(url, {"version": 1, "body": "Edited text"})
    again = api.post(UPDATES, payload, headers={"Idempotency-Key": "k"})
    assert again.status_code == 201
    assert again.headers["Location"] == url
    replayed = again.get_json()
    assert (replayed["id"], replayed["body"]) == (first.get_json()["id"], "Edited text")
    assert count(Update) == 1


def test_an_expired_key_is_ignored_then_purged(api, briefing, app):
    headers = {"Idempotency-Key": "daily-run"}
    first = api.post(UPDATES, {"body": "Monday"}, headers=headers)
    ttl = timedelta(seconds=app.config["IDEMPOTENCY_TTL"])
    assert ttl == timedelta(hours=24)
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - ttl - timedelta(1)))
    db.session.commit()

    again = api.post(UPDATES, {"body": "Tuesday"}, headers=headers)
    assert again.status_code == 201
    assert again.get_json()["id"] != first.get_json()["id"]
    assert count(Update) == 2
    db.session.expire_all()
    [key] = db.session.scalars(select(IdempotencyKey)).all()
    assert key.resource_id == again.get_json()["id"]


def test_keys_live_as_long_as_configured(make_app, editor, briefing, make_token):
    app = make_app(IDEMPOTENCY_TTL=60)
    token = make_token(editor)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "short"}
    with app.app_context():
        first = client.post(UPDATES, json={"body": "x"}, headers=headers)
        db.session.execute(
            update(IdempotencyKey).values(created_at=utcnow() - timedelta(seconds=61))
        )
        db.session.commit()
        again = client.post(UPDATES, json={"body": "x"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["id"] != first.get_json()["id"]


# Run by gunicorn instead of wsgi.py: the real app, plus a listener that kills the worker
# (SIGKILL: no cleanup, no response) once, when the test has left the marker file, at
# CRASH_POINT: just before the transaction that stores a key commits, or just after.
CRASHING_WSGI = dedent(
    """
    import os
    import signal
    from pathlib import Path

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from briefing import create_app
    from briefing.models import IdempotencyKey

    app = create_app()
    marker = Path(os.environ["CRASH_MARKER"])
    point = os.environ["CRASH_POINT"]


    def crash_here():
        if marker.exists():
            marker.unlink()
            os.kill(os.getpid(), signal.SIGKILL)


    @event.listens_for(Session, "before_commit")
    def note_key(session):
        session.info["stores_key"] = any(isinstance(o, IdempotencyKey) for o in session.new)
        if session.info["stores_key"] and point == "before_commit":
            crash_here()


    @event.listens_for(Session, "after_commit")
    def crash(session):
        if session.info.pop("stores_key", False) and point == "after_commit":
            crash_here()
    """
)


def post_with_key(port: int, token: str, payload: dict, key: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{UPDATES}",
        data=json.dumps(payload).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.load(response), response.headers["Location"]


@pytest.mark.parametrize("crash_point", ["before_commit", "after_commit"])
def test_a_worker_killed_mid_publish_leaves_the_update_once_or_not_at_all_and_a_retry_works(
    database_url, app, tmp_path, briefing, editor, make_token, crash_point
):
    """Killed before the commit: nothing was stored, and the retry publishes. Killed after
    it: the update and its key were stored together, and the retry replays the original."""
    (tmp_path / "crashing_wsgi.py").write_text(CRASHING_WSGI)
    marker = tmp_path / "crash-marker"
    token = make_token(editor)
    process, port = start_gunicorn(
        database_url,
        tmp_path,
        wsgi="crashing_wsgi:app",
        PYTHONPATH=str(tmp_path),
        CRASH_MARKER=str(marker),
        CRASH_POINT=crash_point,
        WEB_CONCURRENCY="1",
    )
    payload = {"body": "Posted once, whatever happens", "sources": ["reuters"]}
    try:
        marker.touch()
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            post_with_key(port, token, payload, "bot-run-7")
        assert not marker.exists()  # the worker died where the test meant it to
        db.session.expire_all()
        stored = db.session.scalars(select(Update.id)).all()
        assert len(stored) == (0 if crash_point == "before_commit" else 1)

        answer = None
        for _ in range(200):  # until gunicorn has started a new worker
            try:
                answer = post_with_key(port, token, payload, "bot-run-7")
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                time.sleep(0.05)
        assert answer is not None, (tmp_path / "gunicorn.log").read_text()
        status, body, location = answer
        assert status == 201
        assert body["body"] == payload["body"]
        assert location.endswith(f"/updates/{body['id']}")
        assert post_with_key(port, token, payload, "bot-run-7") == answer
    finally:
        process.kill()
        process.wait()
    db.session.expire_all()
    assert db.session.scalars(select(Update.id)).all() == [body["id"]]
