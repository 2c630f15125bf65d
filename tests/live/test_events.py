"""Change-log rows become reader events: what each kind of change looks like, and
`/changes`, the polling door over the same events."""

from __future__ import annotations

import tracemalloc
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from briefing.live.broker import InProcessBroker
from briefing.live.events import read_events
from briefing.live.hub import ChangeHub
from briefing.media.storage import media_storage
from briefing.models import Briefing, BriefingStatus, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services import media as media_service
from briefing.services import series as series_service
from briefing.services import updates as update_service
from tests.media import pictures


@pytest.fixture
def read(app):
    def events_after(briefing, after):
        with app.test_request_context():
            return read_events(briefing.id, after)

    return events_after


def test_a_publish_carries_the_same_fragment_the_page_uses(read, client, briefing, make_update):
    start = briefing.version
    item = make_update(
        briefing,
        headline="Dam breached",
        body="Water *rising*.",
        sources=["reuters"],
        key_event=True,
    )
    batch = read(briefing, start)
    (event,) = batch.events
    assert (event.seq, event.type, event.data["id"]) == (start + 1, "update", item.id)
    article = lxml.html.fragment_fromstring(event.data["html"])
    page = lxml.html.fromstring(client.get("/briefings/war").data)
    on_page = page.xpath(f"//article[@id='update-{item.id}']")[0]
    article.tail = on_page.tail = None
    assert lxml.html.tostring(article) == lxml.html.tostring(on_page)
    key_item = lxml.html.fragment_fromstring(event.data["key_event_html"])
    assert key_item.get("data-update-id") == str(item.id)
    assert batch.head == start + 1


def test_update_events_carry_the_footer_credits_and_ended_the_notice_as_pages_show_them(
    read, client, briefing, make_update, editor
):
    start = briefing.version
    make_update(briefing, body="Ships left port.", sources=["reuters", "afp"])
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    update, ended = read(briefing, start).events
    page = lxml.html.fromstring(client.get("/briefings/war").data)

    def same(fragment, xpath):
        element = lxml.html.fragment_fromstring(fragment)
        on_page = page.xpath(xpath)[0]
        element.tail = on_page.tail = None
        assert lxml.html.tostring(element) == lxml.html.tostring(on_page)
        return element

    credits = same(update.data["credits_html"], "//p[@class='credits']")
    assert credits.text_content() == "Reporting in this briefing by AFP and Reuters."
    notice = same(ended.data["ended_html"], "//p[contains(@class, 'notice--ended')]")
    assert notice.get("hidden") is None
    assert notice.xpath("time/@datetime") == [
        briefing.ended_at.astimezone(ZoneInfo("Europe/Kyiv")).isoformat(timespec="seconds")
    ]


def test_an_edition_ended_by_next_edition_sends_live_readers_on_to_the_next(
    read, client, make_series, make_briefing, editor
):
    make_series(slug="ukraine")
    first = make_briefing(title="Day 1", slug="day-1", series="ukraine")
    start = first.version
    opened = briefing_service.next_edition(
        series_service.series_by_slug("ukraine"), actor=editor, title="Day <2>"
    )
    (ended,) = read(first, start).events
    notice = lxml.html.fragment_fromstring(ended.data["ended_html"])
    assert notice.xpath("a/@href") == [f"/briefings/{opened.slug}"]
    assert " ".join(notice.text_content().split()).endswith("Coverage continues in Day <2>.")
    # The same words a reload shows.
    page = lxml.html.fromstring(client.get("/briefings/day-1").data)
    (on_page,) = page.xpath("//p[contains(@class, 'notice--ended')]")
    notice.tail = on_page.tail = None
    assert lxml.html.tostring(notice) == lxml.html.tostring(on_page)


def test_a_briefing_event_carries_the_lead_photo_as_the_page_shows_it(
    app, read, client, briefing, editor
):
    with app.test_request_context():
        photo = media_service.upload_media(
            actor=editor,
            storage=media_storage(),
            max_bytes=app.config["MEDIA_MAX_BYTES"],
            data=pictures.jpeg(1200, 800),
            alt="Ships at anchor",
            caption="Waiting outside Odesa.",
        )
    start = briefing.version
    briefing_service.change_briefing(briefing, actor=editor, lead_media=photo.id)
    briefing_service.change_briefing(briefing, actor=editor, lead_media=None)
    shown, removed = read(briefing, start).events
    # The event describes the briefing as it is now: no lead photo.
    assert shown.data["lead_html"] == removed.data["lead_html"] == ""
    briefing_service.change_briefing(briefing, actor=editor, lead_media=photo.id)
    (event,) = read(briefing, start + 2).events
    figure = lxml.html.fragment_fromstring(event.data["lead_html"])
    page = lxml.html.fromstring(client.get("/briefings/war").data)
    (on_page,) = page.xpath("//header//figure[@class='lead-photo']")
    figure.tail = on_page.tail = None
    assert lxml.html.tostring(figure) == lxml.html.tostring(on_page)


def test_each_kind_of_change_has_its_event_type(read, briefing, make_update, editor):
    start = briefing.version
    item = make_update(briefing, body="First")
    update_service.edit_update(item, actor=editor, version=1, body="Second")
    update_service.set_pinned(item, actor=editor, pinned=True)
    update_service.set_key_event(item, actor=editor, key_event=True)
    briefing_service.change_briefing(briefing, actor=editor, summary="* calm")
    other = make_update(briefing, body="Gone soon")
    update_service.retract_update(other, actor=editor)
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)

    types = [(e.type, e.data.get("id")) for e in read(briefing, start).events]
    assert types == [
        ("update", item.id),
        ("update", item.id),
        ("pin", item.id),
        ("key_event", item.id),
        ("briefing", None),
        ("retract", other.id),
        ("retract", other.id),
        ("ended", None),
    ]


def test_events_describe_the_current_state_of_what_changed(read, briefing, make_update, editor):
    start = briefing.version
    item = make_update(briefing, body="Original text")
    update_service.edit_update(item, actor=editor, version=1, body="Corrected text")
    first, second = read(briefing, start).events
    assert "Corrected text" in first.data["html"] and "Corrected text" in second.data["html"]


def test_drafts_are_not_published_to_readers_but_move_the_cursor(read, briefing, make_update):
    start = briefing.version
    make_update(briefing, body="Not yet", status=UpdateStatus.DRAFT)
    batch = read(briefing, start)
    assert batch.events == [] and batch.head == start + 1


def test_changes_endpoint_returns_the_events_with_a_cursor_and_a_poll_hint(
    client, briefing, make_update
):
    start = briefing.version
    a = make_update(briefing, body="A")
    b = make_update(briefing, body="B")
    response = client.get(f"/briefings/war/changes?since={start}")
    body = response.get_json()
    assert [(c["seq"], c["type"], c["id"]) for c in body["changes"]] == [
        (start + 1, "update", a.id),
        (start + 2, "update", b.id),
    ]
    assert body["last_seq"] == start + 2 and body["poll_after"] == 5
    assert "public" in response.headers["Cache-Control"]
    assert response.cache_control.max_age == 5
    assert client.get(f"/briefings/war/changes?since={start + 2}").get_json()["changes"] == []


def test_changes_endpoint_answers_304_until_something_changes(client, briefing, make_update):
    first = client.get("/briefings/war/changes?since=0")
    again = client.get(
        "/briefings/war/changes?since=0", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    make_update(briefing, body="New")
    changed = client.get(
        "/briefings/war/changes?since=0", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", "99999999999999"])
def test_a_bad_cursor_gets_a_clear_answer(client, briefing, since):
    response = client.get(f"/briefings/war/changes?since={since}")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "since"


def test_a_cursor_from_the_future_starts_at_the_head(client, briefing):
    body = client.get("/briefings/war/changes?since=999999").get_json()
    assert body == {"changes": [], "last_seq": briefing.version, "poll_after": 5}


def test_changes_of_a_draft_briefing_are_not_found(client, make_briefing):
    make_briefing(slug="secret", status=BriefingStatus.DRAFT)
    assert client.get("/briefings/secret/changes?since=0").status_code == 404
    assert client.get("/briefings/secret/events").status_code == 404


def test_readers_of_one_process_share_one_read_of_the_log(
    app, briefing, make_update, count_queries
):
    hub = app.extensions["briefing.live"].hub
    start = briefing.version
    with app.test_request_context():
        hub.events_after(briefing.id, start)  # the buffer starts at the head
        make_update(briefing, body="For one reader")
        with count_queries() as one:
            hub.events_after(briefing.id, start)
        make_update(briefing, body="For fifty readers")
        with count_queries() as fifty:
            batches = [hub.events_after(briefing.id, start) for _ in range(50)]
    assert all([e.seq for e in b.events] == [start + 1, start + 2] for b in batches)
    assert fifty.count == one.count  # one read and render of the change, not fifty


def test_the_hub_keeps_briefings_streams_listen_to_and_forgets_the_others(
    app, briefing, make_briefing, count_queries
):
    # Re-reading the log on a timer would blur what is measured: only on a ring here.
    hub = ChangeHub(InProcessBroker(), recheck=3600, idle=3)
    others = [make_briefing() for _ in range(4)]

    def reads_the_log(read: Briefing) -> bool:
        with count_queries() as reads:
            hub.events_after(read.id, read.version)
        return reads.count > 0

    with app.test_request_context():
        assert reads_the_log(briefing)  # the first reader starts its buffer from the log
        with hub.listening(briefing.id):
            for other in others:
                hub.events_after(other.id, other.version)
            assert not reads_the_log(briefing)  # still in memory: a stream listens
        assert not reads_the_log(briefing)  # the last listener just left: kept a while
        for other in others:
            hub.events_after(other.id, other.version)
        assert reads_the_log(briefing)  # forgotten: more recently read briefings took its place


def test_touching_a_thousand_briefings_leaves_the_hubs_memory_flat(app, briefing):
    hub = ChangeHub(InProcessBroker())

    def touch(briefing_ids: range) -> None:
        for briefing_id in briefing_ids:
            hub.events_after(briefing_id, 0)

    # Briefings numbered past the real one: each starts an (empty) buffer of its own.
    first = briefing.id + 1
    with app.test_request_context():
        touch(range(first, first + 100))  # warm up: statement caches, the connection
        tracemalloc.start()
        try:
            touch(range(first + 100, first + 1_000))
            grown, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert grown < 64 * 1024, f"{grown} bytes kept after touching 900 more briefings"
