"""Two editors on one update, in real browsers: the open edit form warns, in place, when the
other's change lands; saving then shows both versions side by side (stacked on a phone),
the words that differ marked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from briefing.models import Role
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, SHOTS, new_page
from tests.browser.test_console import item_for

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_an_open_edit_warns_when_another_change_lands_and_the_conflict_marks_the_words(
    new_context: Callable[..., BrowserContext],
    make_account: Callable[[Role], str],
    seed_briefing: Callable[..., str],
    width: int,
    height: int,
) -> None:
    first_email = make_account(Role.EDITOR)
    slug = seed_briefing(first_email, f"Count night {width}", ["Polls have closed."])
    mine = new_page(new_context, first_email, viewport={"width": width, "height": height})
    theirs = new_page(new_context, make_account(Role.EDITOR))
    dialogs: list[str] = []
    mine.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for page in (mine, theirs):
        page.goto(f"/editor/briefings/{slug}")
    expect(mine.locator("#console")).to_have_attribute("data-live-state", "streaming")

    item = mine.locator("#" + str(item_for(mine, "Polls have closed.").get_attribute("id")))
    item.get_by_role("link", name="Edit").click()
    text = item.locator("[data-edit-form]").get_by_label("Update", exact=True)
    text.fill("Polls have closed in the west.")
    notice = item.locator("[data-stale-notice]")
    expect(notice).to_be_hidden()

    other = item_for(theirs, "Polls have closed.")
    other.get_by_role("link", name="Edit").click()
    other.locator("[data-edit-form]").get_by_label("Update", exact=True).fill(
        "Polls have closed in the east."
    )
    other.get_by_role("button", name="Save").click()
    expect(item_for(theirs, "Polls have closed in the east.")).to_have_count(1)

    # The warning comes in place; the text being written is untouched and still editable.
    expect(notice).to_be_visible(timeout=15_000)
    expect(notice).to_contain_text("Someone else has just changed this update")
    expect(text).to_have_value("Polls have closed in the west.")
    expect(text).to_be_editable()
    assert dialogs == []

    item.get_by_role("button", name="Save").click()
    conflict = mine.locator(".conflict")
    theirs_side, mine_side = (
        conflict.locator(".conflict__theirs"),
        conflict.locator(".conflict__mine"),
    )
    expect(theirs_side.locator(".diff__text del")).to_have_text(["east"])
    expect(mine_side.locator(".diff__text ins")).to_have_text(["west"])
    expect(mine_side.get_by_label("Update", exact=True)).to_have_value(
        "Polls have closed in the west."
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    mine.screenshot(path=str(SHOTS / f"conflict-diff-{width}.png"), full_page=True)
    left, right = theirs_side.bounding_box(), mine_side.bounding_box()
    assert left and right
    if width >= 1280:
        assert right["x"] > left["x"] + left["width"] - 1  # side by side
        assert left["width"] > 300  # with room to read
    else:
        assert right["y"] >= left["y"] + left["height"] - 1  # stacked
    overflow = mine.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
