"""Photos and embeds in a real Chromium: the live page makes no request to any third party
until the reader asks for an embed (every request recorded), then loads exactly that
frame; figures keep their box while loading; screenshots at phone and desktop widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from briefing.extensions import db
from briefing.media.storage import media_storage
from briefing.models import Role
from briefing.services import briefings as briefing_service
from briefing.services import media as media_service
from briefing.services import timeline
from briefing.services import users as user_service
from tests.media import pictures

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/media-shots")
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def photo_briefing(live_server, make_account, seed_briefing) -> str:
    """A live briefing with a lead photo, an update with a photo and one with an embed."""
    email = make_account(Role.EDITOR)
    with live_server.app.app_context():
        editor = user_service.user_by_email_or_404(email)

        def upload(data: bytes, **words: str) -> Any:
            return media_service.upload_media(
                actor=editor,
                storage=media_storage(),
                max_bytes=live_server.app.config["MEDIA_MAX_BYTES"],
                data=data,
                **words,
            )

        lead = upload(
            pictures.jpeg(2400, 1600),
            alt="A soldier walks past a destroyed building",
            caption="Ukrainian President Volodymyr Zelenskiy visits brigades near Soledar.",
            credit="Photo: Presidential Press Service",
        )
        shown = upload(
            pictures.jpeg(1800, 1200),
            alt="Smoke rises over the port",
            caption="Smoke over Odesa's port after the overnight strikes.",
            credit="Photo: AFP",
        )
        lead_id, shown_name = lead.id, shown.filename
        db.session.remove()
    slug = seed_briefing(
        email,
        "Ukraine live briefing",
        [
            f"WATCH: The aftermath of Russian strikes on Odesa.\n\n{VIDEO}",
            "Rescue teams worked through the night in Odesa, the regional governor said."
            f"\n\n![Smoke rises over the port](/media/{shown_name})",
        ],
    )
    with live_server.app.app_context():
        editor = user_service.user_by_email_or_404(email)
        briefing_service.change_briefing(
            timeline.briefing_by_slug(slug), actor=editor, lead_media=lead_id
        )
        db.session.remove()
    return slug


def record_requests(context: BrowserContext, origin: str) -> list[str]:
    """Every request the context makes; third-party ones are answered with an empty page,
    so the test never reaches the network."""
    seen: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        seen.append(url)
        if url.startswith(origin):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body="<p>embedded</p>")

    context.route("**/*", handle)
    return seen


def test_no_third_party_request_until_the_reader_loads_the_embed(
    live_server, new_context, photo_briefing
):
    context = new_context()
    seen = record_requests(context, live_server.url)
    page = context.new_page()
    page.goto(f"/briefings/{photo_briefing}")
    button = page.get_by_role("button", name="Load YouTube content")
    expect(button).to_be_visible()
    # Photos load too (lazy ones once scrolled to): all from our own origin.
    page.mouse.wheel(0, 4000)
    page.wait_for_load_state("networkidle")
    assert seen and all(urlsplit(url).netloc == urlsplit(live_server.url).netloc for url in seen)
    assert any("/media/" in url for url in seen)

    button.focus()
    page.keyboard.press("Enter")
    frame = page.locator("figure[data-embed='youtube'] iframe")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    page.wait_for_load_state("networkidle")
    third_party = {urlsplit(url).netloc for url in seen} - {urlsplit(live_server.url).netloc}
    assert third_party == {"www.youtube-nocookie.com"}


@pytest.mark.parametrize("width", [390, 1280])
def test_photos_keep_their_box_and_the_page_is_screenshotted(new_context, photo_briefing, width):
    context = new_context(viewport={"width": width, "height": 900})
    # Photos never arrive: the page must still lay them out at their final size.
    context.route("**/media/**", lambda route: None)
    page = context.new_page()
    page.goto(f"/briefings/{photo_briefing}", wait_until="domcontentloaded")
    for selector in ("figure.lead-photo img", "figure.photo img"):
        image = page.locator(selector)
        box = image.bounding_box()
        assert box is not None
        ratio = int(image.get_attribute("width")) / int(image.get_attribute("height"))
        assert box["width"] == pytest.approx(box["height"] * ratio, rel=0.02)
        column = page.locator(".briefing__stream").bounding_box()
        if selector == "figure.photo img":
            assert box["width"] > column["width"] * 0.85  # the column's width, give or take padding
    context.unroute("**/media/**")
    page.reload()
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"live-{width}.png"), full_page=True)
    expect(page.get_by_role("button", name="Load YouTube content")).to_be_visible()
