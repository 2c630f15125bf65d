"""The editor console in a real browser: posting, editing, conflicts, drafts, toggles.

Editors and readers act in separate browser contexts; every wait is on an element or a
response, never a sleep.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from briefing.models import Role
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, SHOTS, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

NewContext = Callable[..., BrowserContext]
MakeAccount = Callable[[Role], str]


def item_for(page: Page, text: str) -> Any:
    """The console item (update and its actions) whose update contains `text`."""
    return page.locator("li.console-item").filter(has=page.locator("article", has_text=text))


def public_article(page: Page, text: str) -> Any:
    return page.locator("#updates article, .pinned article").filter(has_text=text)


def test_editor_creates_a_briefing_posts_with_ctrl_enter_and_edits_in_place(
    new_context: NewContext, make_account: MakeAccount
) -> None:
    editor = new_page(new_context, make_account(Role.EDITOR))

    # Create a briefing: the slug is suggested from the title as it is typed.
    editor.get_by_label("Title").fill("Storm Ciarán: live")
    expect(editor.get_by_label("Web address")).to_have_value("storm-ciaran-live")
    editor.get_by_label("Standfirst").fill("The storm reaches the coast overnight.")
    editor.get_by_role("button", name="Create briefing").click()
    expect(editor.get_by_role("heading", name="Storm Ciarán: live")).to_be_visible()

    # Go live from the settings.
    editor.get_by_role("link", name="Settings").click()
    editor.get_by_role("button", name="Go live").click()
    expect(editor.get_by_text("The briefing is live")).to_be_visible()
    editor.get_by_role("link", name="Storm Ciarán: live").click()

    # Type an update, pick Reuters then AFP, press Ctrl+Enter.
    body = editor.get_by_label("Update", exact=True)
    editor.get_by_label("Headline (optional)").fill("Winds reach the coast")
    body.fill("Gusts of **120 km/h** hit the harbour.")
    editor.locator(".chip", has_text="Reuters").click()
    editor.locator(".chip", has_text="AFP").click()
    body.press("Control+Enter")

    posted = item_for(editor, "Gusts of 120 km/h")
    expect(posted).to_have_count(1)
    expect(posted.locator(".update__credit")).to_have_text("With reporting by Reuters and AFP")
    # The composer is cleared and keeps the focus, ready for the next update.
    expect(body).to_have_value("")
    expect(editor.get_by_label("Headline (optional)")).to_have_value("")
    expect(body).to_be_focused()

    # A double click on Publish posts once.
    body.fill("Ferries are cancelled.")
    editor.get_by_role("button", name="Publish", exact=True).dblclick()
    expect(item_for(editor, "Ferries are cancelled.")).to_have_count(1)
    expect(body).to_have_value("")

    reader = new_context().new_page()
    reader.goto("/briefings/storm-ciaran-live")
    article = public_article(reader, "Gusts of 120 km/h")
    expect(article.locator(".update__headline")).to_have_text("Winds reach the coast")
    expect(article.locator(".update__credit")).to_have_text("With reporting by Reuters and AFP")
    expect(public_article(reader, "Ferries are cancelled.")).to_have_count(1)

    # Edit it in place.
    posted.get_by_role("link", name="Edit").click()
    edit_body = posted.locator("[data-edit-form]").get_by_label("Update", exact=True)
    expect(edit_body).to_be_focused()
    edit_body.fill("Gusts of **130 km/h** hit the harbour.")
    posted.get_by_role("button", name="Save").click()
    expect(item_for(editor, "Gusts of 130 km/h")).to_have_count(1)
    expect(editor.locator("[data-edit-form]")).to_have_count(0)

    reader.reload()
    article = public_article(reader, "Gusts of 130 km/h")
    expect(article.locator(".update__edited")).to_contain_text("Updated")

    # Its history keeps the earlier text.
    updated = item_for(editor, "Gusts of 130 km/h")
    updated.get_by_role("link", name="History").click()
    expect(updated.locator(".history__body")).to_have_text("Gusts of **120 km/h** hit the harbour.")


def test_second_editor_of_the_same_update_sees_both_versions_and_keeps_their_text(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    first_email = make_account(Role.EDITOR)
    slug = seed_briefing(first_email, "Election night", ["Polls have closed."])
    first = new_page(new_context, first_email)
    second = new_page(new_context, make_account(Role.EDITOR))
    for page in (first, second):
        page.goto(f"/editor/briefings/{slug}")
        item_for(page, "Polls have closed.").get_by_role("link", name="Edit").click()

    mine = item_for(first, "Polls have closed.")
    mine.locator("[data-edit-form]").get_by_label("Update", exact=True).fill(
        "Polls have closed in the east."
    )
    mine.get_by_role("button", name="Save").click()
    expect(item_for(first, "Polls have closed in the east.")).to_have_count(1)

    theirs = second.locator("li.console-item").filter(has=second.locator("[data-edit-form]"))
    theirs.locator("[data-edit-form]").get_by_label("Update", exact=True).fill(
        "Polls have closed everywhere."
    )
    theirs.get_by_role("button", name="Save").click()

    conflict = second.locator(".conflict")
    expect(conflict.locator(".conflict__theirs")).to_contain_text("Polls have closed in the east.")
    text = conflict.locator("[data-edit-form]").get_by_label("Update", exact=True)
    expect(text).to_have_value("Polls have closed everywhere.")
    expect(conflict.locator("[data-form-errors]")).to_contain_text("Someone saved this update")
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "conflict-1280.png"), full_page=True)

    # Having seen theirs, the second editor saves theirs on top.
    conflict.get_by_role("button", name="Save my version").click()
    expect(item_for(second, "Polls have closed everywhere.")).to_have_count(1)
    expect(second.locator(".conflict")).to_have_count(0)


@pytest.mark.parametrize(
    "stream", ["working", "failing"], ids=["by-the-stream", "by-polling-when-the-stream-fails"]
)
def test_the_console_shows_what_other_editors_publish_as_it_lands(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    stream: str,
) -> None:
    first_email = make_account(Role.EDITOR)
    slug = seed_briefing(first_email, "Bridge collapse", ["Traffic is diverted."])
    first = new_page(new_context, first_email)
    second = new_page(new_context, make_account(Role.EDITOR))
    if stream == "failing":
        second.context.route("**/events*", lambda route: route.abort())
    for page in (first, second):
        page.goto(f"/editor/briefings/{slug}")
    # With the stream failing, three attempts (a few seconds apart) come before polling.
    expect(second.locator("#console")).to_have_attribute(
        "data-live-state", "streaming" if stream == "working" else "polling", timeout=20_000
    )

    first.get_by_label("Update", exact=True).fill("Divers have reached the river bed.")
    first.get_by_label("Update", exact=True).press("Control+Enter")
    arrived = item_for(second, "Divers have reached the river bed.")
    expect(arrived).to_have_count(1, timeout=15_000)
    # It arrives with its actions, addressed to its own id.
    arrived.get_by_role("button", name="Pin").click()
    expect(item_for(first, "Divers have reached").locator(".tag--pinned")).to_be_visible()

    first.once("dialog", lambda dialog: dialog.accept())
    item_for(first, "Traffic is diverted.").get_by_role("link", name="Delete").click()
    expect(item_for(second, "Traffic is diverted.")).to_have_count(0, timeout=15_000)


def test_contributor_saves_a_draft_and_an_editor_publishes_it(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    editor_email = make_account(Role.EDITOR)
    slug = seed_briefing(editor_email, "Flood watch", ["River levels are rising."])
    contributor = new_page(new_context, make_account(Role.CONTRIBUTOR))
    contributor.goto(f"/editor/briefings/{slug}")
    expect(contributor.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    body = contributor.get_by_label("Update", exact=True)
    body.fill("Sandbags are handed out at the town hall.")
    contributor.locator(".chip", has_text="dpa").click()
    body.press("Control+Enter")
    draft = contributor.locator("#console-drafts li.console-item")
    expect(draft).to_contain_text("Sandbags are handed out")
    expect(draft.locator(".tag--draft")).to_be_visible()
    expect(body).to_have_value("")

    reader = new_context().new_page()
    reader.goto(f"/briefings/{slug}")
    expect(reader.locator("#updates")).not_to_contain_text("Sandbags")

    editor = new_page(new_context, editor_email)
    editor.goto(f"/editor/briefings/{slug}")
    waiting = editor.locator("#console-drafts li.console-item", has_text="Sandbags")
    expect(editor.get_by_role("heading", name=re.compile("Drafts waiting"))).to_contain_text("1")
    waiting.get_by_role("button", name="Publish").click()
    published = editor.locator("#console-updates li.console-item", has_text="Sandbags")
    expect(published).to_have_count(1)
    expect(editor.locator("[data-drafts-section]")).to_be_hidden()

    reader.reload()
    article = public_article(reader, "Sandbags are handed out")
    expect(article.locator(".update__credit")).to_have_text("With reporting by dpa")


def test_text_typed_before_a_reload_is_restored_and_cleared_once_published(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Summit day")
    editor = new_page(new_context, email)
    editor.goto(f"/editor/briefings/{slug}")
    editor.get_by_label("Headline (optional)").fill("Leaders arrive")
    editor.get_by_label("Update", exact=True).type("The first delegations landed at dawn")
    editor.locator(".chip", has_text="AP").click()

    editor.reload()
    body = editor.get_by_label("Update", exact=True)
    expect(body).to_have_value("The first delegations landed at dawn")
    expect(editor.get_by_label("Headline (optional)")).to_have_value("Leaders arrive")
    expect(editor.locator(".chip", has_text="AP").locator("input")).to_be_checked()
    expect(editor.locator("[data-composer-state]")).to_contain_text("Restored")

    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(item_for(editor, "The first delegations landed at dawn")).to_have_count(1)
    editor.reload()
    expect(editor.get_by_label("Update", exact=True)).to_have_value("")
    # The sources just used are offered again, as a suggestion: nothing is picked.
    expect(editor.locator(".chip", has_text="AP").locator("input")).not_to_be_checked()
    expect(editor.locator("#composer .suggestion")).to_have_text(re.compile(r"\bAP$"))


def test_pin_and_key_event_toggles_show_on_the_public_page(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Heatwave", ["Records fall in the south.", "Schools close early."])
    editor = new_page(new_context, email)
    editor.goto(f"/editor/briefings/{slug}")

    older = item_for(editor, "Records fall in the south.")
    older.get_by_role("button", name="Pin").click()
    expect(older.locator(".tag--pinned")).to_be_visible()
    expect(older.get_by_role("button", name="Unpin")).to_be_visible()
    older.get_by_role("button", name="Mark key event").click()
    expect(older.locator(".tag--key")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(f"/briefings/{slug}")
    expect(reader.locator(".pinned article")).to_contain_text("Records fall in the south.")
    expect(reader.locator(".key-events__list")).to_contain_text("Records fall in the south.")

    older.get_by_role("button", name="Unpin").click()
    expect(older.locator(".tag--pinned")).to_have_count(0)
    older.get_by_role("button", name="Unmark key event").click()
    expect(older.locator(".tag--key")).to_have_count(0)
    reader.reload()
    expect(reader.locator(".pinned article")).to_have_count(0)
    expect(reader.locator(".key-events")).to_be_hidden()


def test_delete_asks_first_and_removes_the_update_for_readers(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Quake", ["A tremor was felt.", "Wrong town named."])
    editor = new_page(new_context, email)
    editor.goto(f"/editor/briefings/{slug}")
    wrong = item_for(editor, "Wrong town named.")
    editor.once("dialog", lambda dialog: dialog.dismiss())
    wrong.get_by_role("link", name="Delete").click()
    expect(wrong).to_have_count(1)
    editor.once("dialog", lambda dialog: dialog.accept())
    wrong.get_by_role("link", name="Delete").click()
    expect(wrong).to_have_count(0)

    reader = new_context().new_page()
    reader.goto(f"/briefings/{slug}")
    expect(reader.locator("#updates")).to_contain_text("A tremor was felt.")
    expect(reader.locator("#updates")).not_to_contain_text("Wrong town named.")


def test_logout_ends_the_session(new_context: NewContext, make_account: MakeAccount) -> None:
    editor = new_page(new_context, make_account(Role.EDITOR))
    editor.get_by_role("button", name="Log out").click()
    expect(editor.get_by_text("You are signed out.")).to_be_visible()
    editor.goto("/editor/")
    expect(editor).to_have_url(re.compile(r"/editor/login\?next=/editor/$"))
    expect(editor.get_by_role("button", name="Log in")).to_be_visible()


def test_console_without_javascript_posts_with_plain_forms(
    new_context: NewContext, make_account: MakeAccount, seed_briefing: Callable[..., str]
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "No script")
    editor = new_context(java_script_enabled=False).new_page()
    log_in(editor, email)
    editor.goto(f"/editor/briefings/{slug}")
    editor.get_by_label("Update", exact=True).fill("Posted without JavaScript.")
    editor.locator(".chip", has_text="Reuters").click()
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.get_by_text("Published.")).to_be_visible()
    expect(item_for(editor, "Posted without JavaScript.")).to_have_count(1)
    expect(editor.get_by_label("Update", exact=True)).to_have_value("")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_screenshots_of_dashboard_and_console(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    width: int,
    height: int,
) -> None:
    """Saved under /tmp/console-shots/ to be looked at; the checks are that nothing overflows
    sideways and the composer comes first."""
    email = make_account(Role.EDITOR)
    slug = seed_briefing(
        email,
        "War in Ukraine: live",
        [
            "Air raid sirens sounded across Kyiv overnight.",
            "Power was restored to **40,000** homes in Kharkiv, the regional governor said.",
        ],
    )
    contributor = new_page(new_context, make_account(Role.CONTRIBUTOR))
    contributor.goto(f"/editor/briefings/{slug}")
    contributor.get_by_label("Update", exact=True).fill("Draft: train services resume in Lviv.")
    contributor.get_by_role("button", name="Save draft").click()
    expect(contributor.locator("#console-drafts li")).to_have_count(1)

    page = new_page(new_context, email, viewport={"width": width, "height": height})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)
    page.goto(f"/editor/briefings/{slug}")
    page.get_by_label("Update", exact=True).fill(
        "Typing **an update** with a [link](https://example.org)."
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview article")).to_contain_text("Typing an update")
    page.screenshot(path=str(SHOTS / f"console-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
