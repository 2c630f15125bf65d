"""WebSub: feeds name the hub, and publishing pings a real hub on a local port, off the
request path."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from flask import current_app

from briefing.models import BriefingStatus, Role, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service
from briefing.services import updates as update_service
from tests.factories import create_account
from tests.feeds.conftest import ATOM, SITE, fetch

WAR_FEEDS = [f"{SITE}/briefings/war/feed.{fmt}" for fmt in ("rss", "atom", "json")]
WAR_KEY_EVENTS = [f"{SITE}/briefings/war/key-events.{fmt}" for fmt in ("rss", "atom", "json")]
SITE_FEEDS = [f"{SITE}/feed.{fmt}" for fmt in ("rss", "atom", "json")]


def newsroom():
    """An editor and a live briefing, written through the app whose context is current."""
    editor = create_account(
        current_app, email="desk@newsroom.example", display_name="Desk Editor", role=Role.EDITOR
    )
    briefing = briefing_service.create_briefing(
        actor=editor, title="War", slug="war", status=BriefingStatus.LIVE
    )
    return editor, briefing


def test_feeds_name_the_hub_and_themselves_when_websub_is_configured(with_hub, hub):
    hub_app = with_hub(hub.url)
    with hub_app.app_context():
        newsroom()
        client = hub_app.test_client()
        for path in ("/briefings/war/feed.atom", "/feed.atom"):
            links = {
                link.get("rel"): link.get("href")
                for link in fetch(client, path).xml.findall(f"{ATOM}link")
                if link.get("rel") in ("hub", "self")
            }
            assert links == {"hub": hub.url, "self": SITE + path}
        channel = fetch(client, "/briefings/war/feed.rss").xml.find("channel")
        links = {ln.get("rel"): ln.get("href") for ln in channel.findall(f"{ATOM}link")}
        assert links == {"hub": hub.url, "self": f"{SITE}/briefings/war/feed.rss"}
        document = fetch(client, "/briefings/war/feed.json").json()
        assert document["hubs"] == [{"type": "WebSub", "url": hub.url}]
        assert document["feed_url"] == f"{SITE}/briefings/war/feed.json"


def test_publish_edit_and_retraction_each_ping_the_hub_with_every_affected_feed(with_hub, hub):
    hub_app = with_hub(hub.url)
    pinger = hub_app.extensions["briefing.websub"]
    with hub_app.app_context():
        editor, briefing = newsroom()
        draft = update_service.create_update(
            briefing, actor=editor, body="Draft.", status=UpdateStatus.DRAFT
        )
        assert pinger.wait_idle(10)
        assert hub.pings == [], "drafts and briefing settings change no feed entry"

        item = update_service.create_update(briefing, actor=editor, body="Published.")
        assert hub.wait_for(6)
        update_service.edit_update(item, actor=editor, version=item.version, body="Edited.")
        assert hub.wait_for(12)
        update_service.set_pinned(item, actor=editor, pinned=True)
        assert pinger.wait_idle(10) and len(hub.pings) == 12, "no feed shows the pin"
        # Marked a key event: the key-event feeds gain it, and the others mark it.
        update_service.set_key_event(item, actor=editor, key_event=True)
        assert hub.wait_for(21)
        update_service.edit_update(item, actor=editor, version=item.version, body="Again.")
        assert hub.wait_for(30)
        update_service.retract_update(item, actor=editor)
        assert hub.wait_for(39)
        update_service.retract_update(draft, actor=editor)
        assert pinger.wait_idle(10)

    assert len(hub.pings) == 39
    for ping in hub.pings:
        assert ping["method"] == "POST" and ping["path"] == "/hub"
        assert ping["content_type"] == "application/x-www-form-urlencoded"
        assert ping["form"]["hub.mode"] == ["publish"]
        assert len(ping["form"]["hub.url"]) == 1
    topics = hub.topics()
    # Before it was a key event, its key-event feeds did not change.
    for batch in (topics[:6], topics[6:12]):
        assert sorted(batch) == sorted(WAR_FEEDS + SITE_FEEDS)
    for n in range(3):
        batch = topics[12 + 9 * n : 21 + 9 * n]
        assert sorted(batch) == sorted(WAR_FEEDS + WAR_KEY_EVENTS + SITE_FEEDS)


def test_a_publish_in_an_edition_pings_its_series_feeds_too(with_hub, hub):
    hub_app = with_hub(hub.url)
    with hub_app.app_context():
        editor, briefing = newsroom()
        series_service.create_series(actor=editor, title="Ukraine", slug="ukraine")
        briefing_service.change_briefing(briefing, actor=editor, series="ukraine")
        update_service.create_update(briefing, actor=editor, body="Published.", key_event=True)
        assert hub_app.extensions["briefing.websub"].wait_idle(10)
    series_feeds = [
        f"{SITE}/series/ukraine/{kind}.{fmt}"
        for kind in ("feed", "key-events")
        for fmt in ("rss", "atom", "json")
    ]
    assert sorted(hub.topics()) == sorted(WAR_FEEDS + WAR_KEY_EVENTS + SITE_FEEDS + series_feeds)


def test_a_hub_error_is_retried(with_hub, hub):
    hub.statuses = [503, 500]
    hub_app = with_hub(hub.url, WEBSUB_ATTEMPTS=3)
    with hub_app.app_context():
        editor, briefing = newsroom()
        update_service.create_update(briefing, actor=editor, body="Published.")
        assert hub_app.extensions["briefing.websub"].wait_idle(10)
    answered = [p["answered"] for p in hub.pings]
    assert answered[:2] == [503, 500]
    assert sorted(hub.topics()) == sorted(WAR_FEEDS + SITE_FEEDS), "every feed got through"


def test_a_hub_that_is_down_does_not_fail_a_publish_and_the_failure_is_logged(
    with_hub, closed_port, caplog
):
    hub_url = f"http://127.0.0.1:{closed_port}/hub"
    hub_app = with_hub(hub_url, WEBSUB_ATTEMPTS=2)
    pinger = hub_app.extensions["briefing.websub"]
    with hub_app.app_context(), caplog.at_level(logging.WARNING, "briefing.feeds.websub"):
        editor, briefing = newsroom()
        started = time.perf_counter()
        item = update_service.create_update(briefing, actor=editor, body="Published anyway.")
        elapsed = time.perf_counter() - started
        assert item.status == UpdateStatus.PUBLISHED
        assert elapsed < 1.0
        assert pinger.wait_idle(10)
        client = hub_app.test_client()
        assert [e.title for e in fetch(client, "/briefings/war/feed.atom").entries] == [
            "Published anyway."
        ]
    failures = [r for r in caplog.records if r.name == "briefing.feeds.websub"]
    assert len(failures) == 1
    message = failures[0].getMessage()
    assert failures[0].levelno == logging.WARNING
    assert f"hub {hub_url} failed after 2 attempts" in message
    assert all(topic in message for topic in WAR_FEEDS + SITE_FEEDS)


@pytest.fixture
def silent_hub() -> Iterator[str]:
    """A hub that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hub"


def test_a_hub_that_hangs_does_not_slow_a_publish(with_hub, silent_hub):
    hub_app = with_hub(silent_hub, WEBSUB_TIMEOUT=2.0, WEBSUB_ATTEMPTS=1)
    pinger = hub_app.extensions["briefing.websub"]
    with hub_app.app_context():
        editor, briefing = newsroom()
        started = time.perf_counter()
        update_service.create_update(briefing, actor=editor, body="Published.")
        elapsed = time.perf_counter() - started
        # Waiting on the hub at all would take its whole 2 s timeout.
        assert elapsed < 1.0
        assert not pinger.wait_idle(0), "the ping is still waiting on the hub"
        assert pinger.wait_idle(30)


def test_nothing_pings_without_a_hub(app, briefing, make_update):
    make_update(briefing, body="Published.")
    assert "briefing.websub" not in app.extensions
