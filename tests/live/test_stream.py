"""The event stream over a real HTTP server: headers, resume, heartbeat, endings."""

from __future__ import annotations

import pytest

from briefing.models import BriefingStatus
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from tests.conftest import running_server
from tests.live.sse_client import SSEClient

EVENTS = "/briefings/war/events"


@pytest.fixture
def stream(server):
    """Open streams on the test server; all are closed at the end."""
    opened: list[SSEClient] = []

    def open_stream(path: str = EVENTS, **headers: str) -> SSEClient:
        client = SSEClient(*server, path, **headers)
        opened.append(client)
        return client

    yield open_stream
    for client in opened:
        client.close()


@pytest.fixture(autouse=True)
def _end_streams_before_the_server_stops(app):
    yield
    app.extensions["briefing.live"].shutdown()


def test_stream_answers_at_once_with_proxy_safe_headers_and_a_retry_hint(stream, briefing):
    client = stream()
    assert client.response.status == 200
    assert client.headers["Content-Type"].startswith("text/event-stream")
    assert client.headers["Cache-Control"] == "no-cache"
    assert client.headers["X-Accel-Buffering"] == "no"
    first = client.next()
    assert client.retry == 3000 and first is not None and first.comments == ["connected"]


def test_a_new_stream_starts_at_the_head_and_gets_each_change_once_in_order(
    stream, briefing, make_update, editor
):
    make_update(briefing, body="Before connecting")
    client = stream()
    client.next()  # connected: everything from now on is new
    a = make_update(briefing, body="First after")
    update_service.edit_update(a, actor=editor, version=1, body="First after, edited")
    b = make_update(briefing, body="Second after")
    events = client.events(3)
    assert [(m.event, m.json()["id"]) for m in events] == [
        ("update", a.id),
        ("update", a.id),
        ("update", b.id),
    ]
    assert [int(m.id) for m in events] == [
        briefing.version - 2,
        briefing.version - 1,
        briefing.version,
    ]
    assert f'id="update-{b.id}"' in events[2].json()["html"]


@pytest.mark.parametrize("how", ["header", "query"])
def test_resume_returns_exactly_the_missed_changes(stream, briefing, make_update, how):
    make_update(briefing, body="Seen")
    seen = briefing.version
    missed = [make_update(briefing, body=f"Missed {n}") for n in range(3)]
    if how == "header":
        client = stream(**{"Last-Event-ID": str(seen)})
    else:
        client = stream(f"{EVENTS}?since={seen}")
    events = client.events(3)
    assert [m.json()["id"] for m in events] == [u.id for u in missed]
    later = make_update(briefing, body="Live again")
    assert client.events(1)[0].json()["id"] == later.id


def test_resume_works_across_a_restart_of_the_server(make_app, app, briefing, make_update):
    # Test-thread publishes ring the `app` fixture's broker, not these: re-read the log often.
    first_app = make_app(LIVE_RECHECK=0.1)
    with running_server(first_app) as address, SSEClient(*address, EVENTS) as client:
        client.next()
        make_update(briefing, body="Seen before the restart")
        (last,) = client.events(1)
        first_app.extensions["briefing.live"].shutdown()
    missed = [make_update(briefing, body=f"While down {n}") for n in range(3)]
    second_app = make_app(LIVE_RECHECK=0.1)
    headers = {"Last-Event-ID": last.id}
    with running_server(second_app) as address, SSEClient(*address, EVENTS, **headers) as client:
        events = client.events(3)
        second_app.extensions["briefing.live"].shutdown()
    assert [m.json()["id"] for m in events] == [u.id for u in missed]


def test_idle_streams_get_heartbeat_comments(make_app, briefing):
    quick = make_app(LIVE_HEARTBEAT=0.2, LIVE_RECHECK=0.1)
    with running_server(quick) as address, SSEClient(*address, EVENTS) as client:
        client.next()
        assert client.next().comments == ["heartbeat"]
        quick.extensions["briefing.live"].shutdown()


def test_ending_the_briefing_sends_ended_and_closes_the_stream(stream, briefing, editor):
    client = stream()
    client.next()
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    (ended,) = client.events(1)
    assert ended.event == "ended" and ended.json()["status"] == "ended"
    assert client.next() is None


def test_server_shutdown_closes_open_streams_cleanly(app, stream, briefing):
    client = stream()
    client.next()
    app.extensions["briefing.live"].shutdown()
    assert client.next() is None


def test_a_change_written_where_no_ring_reaches_still_arrives(make_app, briefing):
    """A lost ring (another process, a broker outage) delays a change; it never loses it."""
    reader_app = make_app(LIVE_RECHECK=0.2)
    writer_app = make_app()  # its own in-process broker: rings never reach the reader
    with running_server(reader_app) as address, SSEClient(*address, EVENTS) as client:
        client.next()
        with writer_app.app_context():
            from briefing.extensions import db
            from briefing.models import Briefing, User

            writer = db.session.scalars(db.select(User)).first()
            target = db.session.get(Briefing, briefing.id)
            item = update_service.create_update(target, actor=writer, body="Unrung")
            item_id = item.id
        (event,) = client.events(1)
        reader_app.extensions["briefing.live"].shutdown()
    assert event.json()["id"] == item_id
