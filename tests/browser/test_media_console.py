"""The composer's photos in a real Chromium: upload by the file chooser, by dropping a
file on the text and by pasting one, each with the Markdown line put at the cursor; a
recent upload reused from the picker; publishing without alt text refused with a clear
message; the published photo on the public page; the lead photo chosen in settings."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Media, Role
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, SHOTS, new_page
from tests.media import pictures

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

PHOTO_LINE = re.compile(r"!\[([^\]]*)\]\((http://127\.0\.0\.1:\d+/media/[0-9a-f]{32}-\d+\.jpg)\)")


def console(new_context: Callable[..., BrowserContext], make_account, seed_briefing) -> Page:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Photos briefing")
    page = new_page(new_context, email)
    page.goto(f"/editor/briefings/{slug}")
    return page


def give_file(page: Page, event: str, data: bytes, name: str = "photo.jpg") -> None:
    """Drop (`drop`) or paste (`paste`) a real file on the composer's text, as a browser
    delivers it: a DataTransfer holding a File."""
    page.locator("#composer textarea[name='body']").evaluate(
        """(body, [event, b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            const init = { bubbles: true, cancelable: true };
            const delivered = event === "paste"
                ? new ClipboardEvent("paste", { ...init, clipboardData: transfer })
                : new DragEvent(event, { ...init, dataTransfer: transfer });
            body.dispatchEvent(delivered);
        }""",
        [event, base64.b64encode(data).decode(), name],
    )


def test_upload_by_chooser_drop_and_paste_puts_the_photo_line_at_the_cursor(
    new_context, make_account, seed_briefing, tmp_path: Path
):
    page = console(new_context, make_account, seed_briefing)
    body = page.locator("#composer textarea[name='body']")
    status = page.locator("[data-media-status]")

    # 1. The file chooser, with alt text, caption and credit filled in first.
    body.fill("Strikes overnight on the port.")
    page.get_by_label("Alt text").fill("Smoke rises over the port")
    page.get_by_label("Caption").fill("Odesa, early morning")
    page.get_by_label("Photo credit").fill("Photo: AFP")
    photo = tmp_path / "port.jpg"
    photo.write_bytes(pictures.jpeg(2000, 1300, gps=True))
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Upload photo…").click()
    chooser.value.set_files(str(photo))
    expect(status).to_have_text("Photo uploaded and placed in the text.")
    first = PHOTO_LINE.findall(body.input_value())
    assert [alt for alt, _ in first] == ["Smoke rises over the port"]
    assert body.input_value().startswith("Strikes overnight on the port.\n\n![")
    expect(page.get_by_label("Alt text")).to_have_value("")

    # 2. Dropped on the text; 3. pasted into it. No alt text given: the message says so.
    give_file(page, "drop", pictures.jpeg(1500, 1000))
    expect(status).to_contain_text("needs alt text before it can be published")
    give_file(page, "paste", pictures.jpeg(1400, 1000))
    expect(body).to_have_value(re.compile(r"(!\[[^\]]*\]\([^)]*\)[\s\S]*){3}"))
    lines = PHOTO_LINE.findall(body.input_value())
    assert len(lines) == 3 and len({url for _, url in lines}) == 3

    # Publishing a photo without alt text is refused, naming what to do.
    page.get_by_role("button", name="Publish").click()
    expect(
        page.get_by_text(re.compile("needs alt text before it is published")).first
    ).to_be_visible()

    # Alt text written between the brackets: now it publishes.
    text = body.input_value()
    text = re.sub(r"!\[\]", "![A queue for water]", text)
    body.fill(text)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("li.console-item article figure.photo")).to_have_count(3)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-photos.png"), full_page=True)


def test_a_recent_upload_is_reused_from_the_picker(new_context, make_account, seed_briefing):
    page = console(new_context, make_account, seed_briefing)
    body = page.locator("#composer textarea[name='body']")
    page.get_by_label("Alt text").fill("Rescuers at the scene")
    give_file(page, "drop", pictures.jpeg(1200, 800))
    expect(page.locator("[data-media-status]")).to_have_text(
        "Photo uploaded and placed in the text."
    )
    body.fill("A second update with the same photo.")
    page.get_by_text("Recent uploads").click()
    page.get_by_role("button", name="Insert: Rescuers at the scene").click()
    expect(body).to_have_value(re.compile(r"same photo\.\n\n!\[Rescuers at the scene\]\(http"))


def test_a_refused_file_says_why_and_inserts_nothing(new_context, make_account, seed_briefing):
    page = console(new_context, make_account, seed_briefing)
    body = page.locator("#composer textarea[name='body']")
    body.fill("Words.")
    give_file(page, "drop", pictures.TEXT_AS_JPEG)
    expect(page.locator("[data-media-status]")).to_contain_text(
        "not uploaded: The file is not a JPEG, PNG, WebP or GIF image."
    )
    expect(body).to_have_value("Words.")


def test_an_upload_whose_answer_is_lost_is_sent_again_and_stored_once(
    new_context, make_account, seed_briefing, live_server
):
    page = console(new_context, make_account, seed_briefing)
    keys: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the server stores the photo...
            route.abort("connectionreset")  # ...and its answer never arrives
        else:
            route.continue_()

    with live_server.app.app_context():
        before = db.session.scalar(select(func.count(Media.id)))
        db.session.remove()
    page.route("**/api/v1/media", lose_the_first_answer)
    give_file(page, "paste", pictures.jpeg(1200, 800))
    expect(page.locator("[data-media-status]")).to_contain_text("needs alt text")
    assert len(PHOTO_LINE.findall(page.locator("#composer textarea").input_value())) == 1
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("upload-")
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(Media.id))) == before + 1
        db.session.remove()
