"""The live page in real Chromium: updates arrive by themselves and the page never jumps."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from briefing.extensions import db
from briefing.media.storage import media_storage
from briefing.models import Role
from briefing.services import briefings as briefing_service
from briefing.services import media as media_service
from briefing.services import series as series_service
from briefing.services import timeline
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from tests.media import pictures

pytestmark = pytest.mark.browser


class Newsroom:
    """Acts on the server's database as an editor would, through the public API."""

    def __init__(self, live_server: Any, email: str, slug: str) -> None:
        self.server, self.email, self.slug = live_server, email, slug
        with live_server.app.app_context():
            user = user_service.user_by_email_or_404(email)
            self.token = user_service.create_token(user, actor=OPERATOR, name="browser test")[1]
            db.session.remove()

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.server.url}/api/v1/briefings/{self.slug}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def post(self, body: str, **fields: Any) -> dict[str, Any]:
        return self.api("POST", "/updates", {"body": body, **fields})

    def edit(self, update: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return self.api(
            "PATCH", f"/updates/{update['id']}", {"version": update["version"], **fields}
        )

    def retract(self, update: dict[str, Any]) -> None:
        self.api("DELETE", f"/updates/{update['id']}")

    def end(self) -> None:
        self.api("PATCH", "", {"status": "ended"})


@pytest.fixture
def newsroom(make_account, seed_briefing, live_server) -> Callable[[int], Newsroom]:
    def make(existing_updates: int = 0) -> Newsroom:
        email = make_account(Role.EDITOR)
        bodies = [f"Earlier report number {n}." for n in range(existing_updates)]
        slug = seed_briefing(email, "Storm over the coast", bodies)
        return Newsroom(live_server, email, slug)

    return make


def open_live_page(new_context: Callable[..., BrowserContext], slug: str, **options: Any) -> Page:
    page = new_context(**options).new_page()
    page.goto(f"/briefings/{slug}")
    expect(page.locator(".briefing")).to_have_attribute("data-live-state", "streaming")
    return page


def article(page: Page, update: dict[str, Any]):
    return page.locator(f"#update-{update['id']}")


def test_a_posted_update_appears_at_the_top_without_reload(newsroom, new_context):
    room = newsroom(2)
    page = open_live_page(new_context, room.slug)
    posted = room.post(
        "Power is back in the harbour district.",
        sources=["reuters", "afp"],
        headline="Power restored",
    )
    expect(article(page, posted)).to_be_visible()
    first = page.locator("#updates > article").first
    expect(first).to_have_id(f"update-{posted['id']}")
    expect(first.locator(".update__credit")).to_have_text("With reporting by Reuters and AFP")
    expect(page.locator("#live-status")).to_have_text("1 new update")
    assert page.evaluate("window.scrollY") == 0
    assert page.locator(f"#update-{posted['id']}").count() == 1


def test_a_reader_scrolled_down_gets_a_button_and_the_page_does_not_move(newsroom, new_context):
    room = newsroom(25)
    page = open_live_page(new_context, room.slug, viewport={"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    before = page.evaluate("window.scrollY")
    assert before > 0
    posted = room.post("Evacuation order lifted for the old town.")
    button = page.locator(".new-updates")
    expect(button).to_be_visible()
    expect(button).to_have_text("1 new update")
    expect(page).to_have_title(f"(1) {page.title().removeprefix('(1) ')}")
    assert page.evaluate("window.scrollY") == before
    assert article(page, posted).count() == 0  # held back, not inserted above the reader
    second = room.post("Schools reopen on Monday.")
    expect(button).to_have_text("2 new updates")
    assert page.evaluate("window.scrollY") == before
    button.click()
    expect(article(page, second)).to_be_visible()
    expect(article(page, posted)).to_be_attached()
    expect(button).to_be_hidden()
    assert not page.title().startswith("(")


def test_edits_replace_in_place_and_retractions_disappear(newsroom, new_context):
    room = newsroom(1)
    posted = room.post("Twelve ships waiting outside the port.")
    page = open_live_page(new_context, room.slug)
    room.edit(posted, body="Fourteen ships waiting outside the port.")
    expect(article(page, posted).locator(".update__body")).to_have_text(
        "Fourteen ships waiting outside the port."
    )
    expect(article(page, posted).locator(".update__edited")).to_be_visible()
    assert page.locator(f"#update-{posted['id']}").count() == 1
    room.retract(posted)
    expect(article(page, posted)).to_have_count(0)


def test_pins_and_key_events_move_live(newsroom, new_context):
    room = newsroom(3)
    page = open_live_page(new_context, room.slug)
    posted = room.post("What we know so far: the storm has passed.", pinned=True, key_event=True)
    expect(page.locator(".pinned").locator(f"#update-{posted['id']}")).to_be_visible()
    expect(page.locator(f".key-events__item[data-update-id='{posted['id']}']")).to_be_attached()
    assert page.locator(f"#update-{posted['id']}").count() == 1


def test_ending_the_briefing_shows_it_and_stops_listening(newsroom, new_context):
    room = newsroom(1)
    page = open_live_page(new_context, room.slug)
    room.end()
    expect(page.locator(".briefing__status .badge")).to_have_text("Ended")
    expect(page.locator(".notice--ended")).to_be_visible()
    # With the time coverage closed, as a reload shows it.
    closed = page.locator(".notice--ended time")
    expect(closed).to_have_text(re.compile(r"^\d\d:\d\d Kyiv time$"))
    expect(page.locator(".briefing")).to_have_attribute("data-status", "ended")
    expect(page.locator(".briefing")).to_have_attribute("data-live-state", "ended")
    live_notice = page.locator(".notice--ended").inner_text()
    page.reload()
    expect(page.locator(".notice--ended")).to_have_text(live_notice)


def test_an_edition_ended_for_the_next_sends_its_readers_on_at_once(
    newsroom, new_context, live_server
):
    room = newsroom(1)
    series_slug = f"{room.slug}-days"
    with live_server.app.app_context():
        editor = user_service.user_by_email_or_404(room.email)
        series_service.create_series(actor=editor, title="Storm", slug=series_slug)
        edition = timeline.briefing_by_slug(room.slug)
        briefing_service.change_briefing(edition, actor=editor, series=series_slug)
        db.session.remove()
    page = open_live_page(new_context, room.slug)
    with live_server.app.app_context():
        editor = user_service.user_by_email_or_404(room.email)
        series = series_service.series_by_slug(series_slug)
        opened = briefing_service.next_edition(series, actor=editor, title="Storm: day two")
        next_slug = opened.slug
        db.session.remove()
    link = page.locator(".notice--ended a")
    expect(link).to_have_text("Storm: day two")
    expect(link).to_have_attribute("href", f"/briefings/{next_slug}")
    expect(page.locator(".briefing")).to_have_attribute("data-live-state", "ended")
    notice = page.locator(".notice--ended").inner_text()
    page.reload()
    expect(page.locator(".notice--ended")).to_have_text(notice)


def test_a_new_lead_photo_reaches_open_pages_but_never_moves_a_reader_below_it(
    newsroom, new_context, live_server
):
    room = newsroom(25)
    with live_server.app.app_context():
        photo = media_service.upload_media(
            actor=user_service.user_by_email_or_404(room.email),
            storage=media_storage(),
            max_bytes=live_server.app.config["MEDIA_MAX_BYTES"],
            data=pictures.jpeg(1600, 1000),
            alt="Waves break over the sea wall",
            caption="The sea wall at dawn.",
        )
        photo_id = photo.id
        db.session.remove()
    at_top = open_live_page(new_context, room.slug)
    below = open_live_page(new_context, room.slug, viewport={"width": 390, "height": 844})
    below.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    scrolled = below.evaluate("window.scrollY")
    lead = ".briefing__header .lead-photo"

    room.api("PATCH", "", {"lead_media": photo_id})
    expect(at_top.locator(f"{lead} img")).to_have_attribute("alt", "Waves break over the sea wall")
    expect(at_top.locator(f"{lead} figcaption")).to_have_text("The sea wall at dawn.")
    # Changes arrive in order: once this update's button shows, the photo has arrived too.
    room.post("The tide has turned.")
    expect(below.locator(".new-updates")).to_have_text("1 new update")
    assert below.locator(lead).count() == 0
    assert below.evaluate("window.scrollY") == scrolled
    below.evaluate("window.scrollTo(0, 0)")
    expect(below.locator(f"{lead} img")).to_have_attribute("alt", "Waves break over the sea wall")

    room.api("PATCH", "", {"lead_media": None})
    expect(at_top.locator(lead)).to_have_count(0)
    at_top.reload()
    expect(at_top.locator(lead)).to_have_count(0)


def test_when_the_stream_keeps_failing_the_page_polls_instead(newsroom, new_context):
    room = newsroom(1)
    context = new_context()
    context.route("**/events*", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"/briefings/{room.slug}")
    # Three failed stream attempts (a few seconds apart) later, it falls back to polling.
    expect(page.locator(".briefing")).to_have_attribute(
        "data-live-state", "polling", timeout=20_000
    )
    posted = room.post("Delivered by polling.")
    expect(article(page, posted)).to_be_visible(timeout=15_000)
    assert page.locator(f"#update-{posted['id']}").count() == 1


def set_tab_hidden(page: Page, hidden: bool) -> None:
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
            Object.defineProperty(document, "visibilityState",
                {value: hidden ? "hidden" : "visible", configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_a_hidden_tab_stops_listening_and_catches_up_when_shown(newsroom, new_context):
    room = newsroom(1)
    page = open_live_page(new_context, room.slug)
    set_tab_hidden(page, True)
    root = page.locator(".briefing")
    expect(root).to_have_attribute("data-live-state", "paused")
    posted = room.post("Posted while nobody was looking.")
    edited = room.edit(posted, body="Posted, then corrected, while nobody was looking.")
    assert article(page, posted).count() == 0
    set_tab_hidden(page, False)
    expect(root).to_have_attribute("data-live-state", "streaming")
    expect(article(page, edited).locator(".update__body")).to_have_text(
        "Posted, then corrected, while nobody was looking."
    )
    assert page.locator(f"#update-{posted['id']}").count() == 1


def test_times_show_how_long_ago_in_the_readers_terms(newsroom, new_context):
    room = newsroom(0)
    posted = room.post("Fresh news.")
    page = open_live_page(new_context, room.slug)
    expect(article(page, posted).locator(".update__ago")).to_have_text("just now")
    title = article(page, posted).locator(".update__time time").get_attribute("title")
    assert title and title.endswith("(your time)")


def key_event_ids(page: Page) -> list[str]:
    items = page.locator(".key-events__item")
    return [items.nth(n).get_attribute("data-update-id") or "" for n in range(items.count())]


def test_an_older_update_marked_key_takes_its_place_in_time_live_and_on_reload(
    newsroom, new_context
):
    room = newsroom(0)
    now = datetime.now(UTC).replace(microsecond=0)
    at = [(now - timedelta(hours=h)).isoformat() for h in (3, 2, 1)]
    oldest, middle, newest = (
        room.post(f"Report from {n} hours ago.", published_at=when, key_event=n != 2)
        for n, when in zip((3, 2, 1), at, strict=True)
    )
    page = open_live_page(new_context, room.slug)
    room.edit(middle, key_event=True)
    expected = [str(newest["id"]), str(middle["id"]), str(oldest["id"])]
    expect(page.locator(".key-events__count")).to_have_text("3")
    assert key_event_ids(page) == expected
    page.reload()
    expect(page.locator(".key-events__count")).to_have_text("3")
    assert key_event_ids(page) == expected


def test_the_readers_own_time_shows_inline_when_their_zone_differs(newsroom, new_context):
    room = newsroom(0)
    posted = room.post("Fresh news.")
    when = datetime.fromisoformat(posted["published_at"])

    elsewhere = new_context(timezone_id="America/New_York").new_page()
    for path in (f"/briefings/{room.slug}", f"/briefings/{room.slug}/updates/{posted['id']}"):
        elsewhere.goto(path)
        local = article(elsewhere, posted).locator(".update__local")
        expect(local).to_be_visible()
        expect(local).to_have_text(
            f"{when.astimezone(ZoneInfo('America/New_York')):%H:%M} your time"
        )
        expect(article(elsewhere, posted).locator(".update__ago")).to_have_text("just now")

    # In Kyiv the briefing's own label already is the reader's time: nothing is added.
    at_home = open_live_page(new_context, room.slug, timezone_id="Europe/Kyiv")
    expect(article(at_home, posted).locator(".update__ago")).to_have_text("just now")
    expect(article(at_home, posted).locator(".update__local")).to_have_count(0)


def test_the_footer_credits_follow_live_updates(newsroom, new_context):
    room = newsroom(1)
    page = open_live_page(new_context, room.slug)
    expect(page.locator(".site-footer .credits")).to_be_hidden()
    room.post("Ships left port.", sources=["reuters"])
    expect(page.locator(".site-footer .credits")).to_have_text(
        "Reporting in this briefing by Reuters."
    )
    posted = room.post("Ports closed.", sources=["afp"])
    expect(page.locator(".site-footer .credits")).to_have_text(
        "Reporting in this briefing by AFP and Reuters."
    )
    room.retract(posted)
    expect(article(page, posted)).to_have_count(0)
    live_footer = page.locator(".site-footer .credits").inner_text()
    page.reload()
    expect(page.locator(".site-footer .credits")).to_have_text(live_footer)
