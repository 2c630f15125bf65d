"""Two consoles of one briefing and a reader's page, in real browsers: drafts and
scheduled updates appear live in every console, and on the reader's page only once out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, expect

from briefing.models import Role
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, SHOTS, new_page
from tests.browser.test_console import item_for, public_article

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]


def test_drafts_and_schedules_reach_every_console_and_no_reader(
    new_context: Callable[..., BrowserContext],
    make_account: Callable[[Role], str],
    seed_briefing: Callable[..., str],
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Consoles in step", ["Already public."])
    console = f"/editor/briefings/{slug}"
    first = new_page(new_context, email)
    second = new_page(new_context, make_account(Role.EDITOR))
    for page in (first, second):
        page.goto(console)
        expect(page.locator("#console")).to_have_attribute("data-live-state", "streaming")
    reader = new_context().new_page()
    reader.goto(f"/briefings/{slug}")
    expect(reader.locator(".briefing")).to_have_attribute("data-live-state", "streaming")

    # A draft saved in the first console appears in the second.
    composer = first.locator("#composer")
    composer.get_by_label("Update", exact=True).fill("Draft from the first desk.")
    composer.get_by_role("button", name="Save draft").click()
    expect(second.locator("#console-drafts")).to_contain_text("Draft from the first desk.")

    # Scheduled in the first: in the second's Scheduled list, at its time in Kyiv.
    tomorrow = (datetime.now(ZoneInfo("Europe/Kyiv")) + timedelta(days=1)).date().isoformat()
    composer.get_by_label("Update", exact=True).fill("Embargoed report.")
    composer.get_by_label("Date", exact=True).fill(tomorrow)
    composer.get_by_label("Time", exact=True).fill("09:30")
    composer.get_by_role("button", name="Schedule").click()
    expect(composer.get_by_label("Update", exact=True)).to_have_value("")
    theirs = second.locator("#console-scheduled > li", has_text="Embargoed report.")
    expect(theirs.locator("time[data-publish-at]")).to_contain_text("09:30 Kyiv time")

    # Rescheduled in the second: the first follows, and orders its list by time.
    composer.get_by_label("Update", exact=True).fill("Second embargo.")
    composer.get_by_label("Date", exact=True).fill(tomorrow)
    composer.get_by_label("Time", exact=True).fill("12:00")
    composer.get_by_role("button", name="Schedule").click()
    expect(second.locator("#console-scheduled > li")).to_have_count(2)
    theirs.locator("summary").click()
    expect(theirs.locator("input[name=publish_date]")).to_have_value(tomorrow)
    expect(theirs.locator("input[name=publish_time]")).to_have_value("09:30")
    second.set_viewport_size({"width": 390, "height": 844})
    SHOTS.mkdir(parents=True, exist_ok=True)
    theirs.screenshot(path=str(SHOTS / "reschedule-390.png"))
    theirs.locator("input[name=publish_time]").fill("18:00")
    theirs.get_by_role("button", name="Save time").click()
    mine = first.locator("#console-scheduled > li")
    expect(mine.nth(1).locator("time[data-publish-at]")).to_contain_text("18:00 Kyiv time")
    expect(mine.nth(0)).to_contain_text("Second embargo.")
    expect(first.locator("[data-scheduled-count]")).to_have_text("2")

    for width, height in ((390, 844), (1280, 900)):
        second.set_viewport_size({"width": width, "height": height})
        second.locator("#console-scheduled").scroll_into_view_if_needed()
        second.screenshot(path=str(SHOTS / f"scheduled-{width}.png"), full_page=True)

    # Cancelled in the first: back among the drafts in the second.
    first_item = mine.filter(has_text="Second embargo.")
    first_item.get_by_role("button", name="Cancel schedule").click()
    expect(second.locator("#console-drafts")).to_contain_text("Second embargo.")
    expect(second.locator("#console-scheduled > li")).to_have_count(1)

    # Published now from the second: out in both consoles and on the reader's page.
    theirs.get_by_role("button", name="Publish now").click()
    expect(item_for(first, "Embargoed report.")).to_have_count(1)
    expect(first.locator("#console-updates")).to_contain_text("Embargoed report.")
    expect(first.locator("[data-scheduled-section]")).to_be_hidden()
    expect(public_article(reader, "Embargoed report.")).to_have_count(1)
    # By then every earlier change has reached the reader: none of the drafts did.
    expect(public_article(reader, "Draft from the first desk.")).to_have_count(0)
    expect(public_article(reader, "Second embargo.")).to_have_count(0)
    expect(reader.locator("article")).to_have_count(2)
