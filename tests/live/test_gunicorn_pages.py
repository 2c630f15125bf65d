"""Cached reader pages on real gunicorn workers (two, sharing changes through Redis, as the
README documents): validators agree between workers, and after any change the next request
to any worker shows it."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest

from tests.live import test_gunicorn
from tests.live.test_brokers import needs_redis
from tests.live.test_gunicorn import established_connections, worker_pids

pytestmark = [needs_redis, pytest.mark.slow]
# The live-delivery tests' `gunicorn` fixture (two workers sharing changes through the test
# Redis), registered here as `two_workers`.
two_workers = test_gunicorn.gunicorn


@pytest.fixture
def on_every_worker(two_workers) -> Iterator[list[http.client.HTTPConnection]]:
    """Open keep-alive connections until both workers hold at least one."""
    process, port = two_workers
    workers = worker_pids(process.pid)
    assert len(workers) == 2
    connections: list[http.client.HTTPConnection] = []
    try:
        while len(connections) < 100:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connections.append(connection)
            held = [established_connections(pid, port) for pid in workers]
            if all(held):
                break
        assert all(held), f"connections per worker: {held}"
        yield connections
    finally:
        for connection in connections:
            connection.close()


def get(connection: http.client.HTTPConnection, path: str, **headers: str) -> Any:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    return response


class Api:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(
                method,
                f"/api/v1/briefings/war{path}",
                body=json.dumps(body) if body is not None else None,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            response = connection.getresponse()
            data = response.read()
            assert response.status < 300, data
            return json.loads(data) if data else None
        finally:
            connection.close()


def test_every_worker_gives_one_etag_and_honours_it(
    two_workers, on_every_worker, briefing, make_update
):
    item = make_update(briefing, body="One.")
    paths = ["/", "/briefings/war", f"/briefings/war/updates/{item.id}", "/briefings/war/changes"]
    for path in paths:
        etags = {get(c, path).getheader("ETag") for c in on_every_worker}
        assert len(etags) == 1, (path, etags)
        etag = etags.pop()
        for connection in on_every_worker:
            assert get(connection, path, **{"If-None-Match": etag}).status == 304


def test_after_each_change_the_next_request_to_any_worker_shows_it(
    two_workers, on_every_worker, briefing, editor, make_token
):
    _, port = two_workers
    api = Api(port, make_token(editor))

    def state() -> tuple[int, Any]:
        """The version the change log reaches, read from the API; and the live page of every
        worker, checked to be at that version."""
        version = api("GET", "")["version"]
        docs = []
        for connection in on_every_worker:
            response = get(connection, "/briefings/war")
            assert response.status == 200
            doc = lxml.html.fromstring(response.body)
            assert doc.xpath("//div[@class='briefing']/@data-version") == [str(version)]
            changes = json.loads(get(connection, "/briefings/war/changes?since=0").body)
            assert changes["last_seq"] == version
            docs.append(doc)
        return version, docs

    def stream_ids(doc: Any) -> list[int]:
        return [int(i) for i in doc.xpath("//div[@id='updates']/article/@data-update-id")]

    first = api("POST", "/updates", {"body": "First."})
    second = api("POST", "/updates", {"body": "Second."})
    _, docs = state()  # warms every worker's cache at this version
    assert all(stream_ids(doc) == [second["id"], first["id"]] for doc in docs)

    edited = api("PATCH", f"/updates/{first['id']}", {"version": 1, "body": "First, edited."})
    _, docs = state()
    for doc in docs:
        body = doc.xpath(f"//article[@id='update-{first['id']}']//div[contains(@class,'prose')]")
        assert body[0].text_content().strip() == "First, edited."
    for connection in on_every_worker:
        response = get(connection, f"/briefings/war/updates/{first['id']}")
        permalink = lxml.html.fromstring(response.body)
        body = permalink.xpath("//article//div[contains(@class,'prose')]")
        assert body[0].text_content().strip() == "First, edited."

    api("PATCH", f"/updates/{second['id']}", {"version": 1, "pinned": True})
    _, docs = state()
    for doc in docs:
        pinned = doc.xpath("//section[@class='pinned']/article/@data-update-id")
        assert pinned == [str(second["id"])]

    api("DELETE", f"/updates/{edited['id']}")
    _, docs = state()
    assert all(stream_ids(doc) == [] for doc in docs)  # the pinned one has its own slot
    for connection in on_every_worker:
        assert get(connection, f"/briefings/war/updates/{first['id']}").status == 404

    api("PATCH", "", {"title": "Renamed briefing"})
    _, docs = state()
    assert all(doc.xpath("//h1")[0].text_content() == "Renamed briefing" for doc in docs)
    for connection in on_every_worker:
        index = lxml.html.fromstring(get(connection, "/").body)
        titles = index.xpath("//span[@class='briefing-card__title']/text()")
        assert titles == ["Renamed briefing"]

    api("PATCH", "", {"status": "ended"})
    _, docs = state()
    assert all(doc.xpath("//div[@class='briefing']/@data-status") == ["ended"] for doc in docs)
    for connection in on_every_worker:
        assert json.loads(get(connection, "/briefings/war/changes").body)["poll_after"] == 0
