"""Credits in a real browser, with and without JavaScript (SPEC §12): each update credits
exactly what the picker showed, in the order picked (without JavaScript, the picker's own
order), on the console, the public page, a feed and the API; the picker is empty after every
publish; "Credit Reuters?" is asked in the page, never in a dialog.

Reproduces issue #11: post with Reuters, then click AFP and Reuters: it must say "AFP and
Reuters" (it said "AFP": the chips stayed selected and a click switched Reuters off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from briefing.extensions import db
from briefing.models import Role
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, LiveServer, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

NewContext = Callable[..., BrowserContext]
MakeAccount = Callable[[Role], str]

# Four updates in a row: different sources clicked each time, then none.
CLICKS = [
    ("Sirens sounded over Kyiv.", ["Reuters"]),
    ("Two drones were shot down.", ["AFP", "Reuters"]),
    ("Power cuts in three regions.", ["Reuters", "AFP", "AP"]),
    ("Schools open late.", []),
]
WITH_SCRIPT = [
    "With reporting by Reuters",
    "With reporting by AFP and Reuters",
    "With reporting by Reuters, AFP and AP",
    "",
]
# Without JavaScript a plain form sends the checked boxes in the picker's order (by name).
WITHOUT_SCRIPT = [
    "With reporting by Reuters",
    "With reporting by AFP and Reuters",
    "With reporting by AFP, AP and Reuters",
    "",
]


def chip(page: Page, name: str) -> Any:
    return page.locator("#composer .chip").filter(has=page.get_by_text(name, exact=True))


def checked_chips(page: Page) -> list[str]:
    return page.locator("#composer .chip:has(input:checked)").all_inner_texts()


def item_for(page: Page, text: str) -> Any:
    return page.locator("li.console-item").filter(has=page.locator("article", has_text=text))


def api_token(live_server: LiveServer, email: str) -> str:
    with live_server.app.app_context():
        user = user_service.user_by_email_or_404(email)
        _, plain = user_service.create_token(user, actor=OPERATOR, name="credits test")
        db.session.remove()
    return plain


def assert_credited_everywhere(
    page: Page, live_server: LiveServer, email: str, slug: str, expected: list[str]
) -> None:
    """On the public page, in the Atom feed (agencies as contributors, in order), in the JSON
    Feed (the credit line) and in the API: every update of CLICKS credits `expected`."""
    reader = page.context.browser.new_context(base_url=live_server.url).new_page()  # type: ignore[union-attr]
    reader.goto(f"/briefings/{slug}")
    for (body, _), credit in zip(CLICKS, expected, strict=True):
        article = reader.locator("#updates article").filter(has_text=body)
        if credit:
            expect(article.locator(".update__credit")).to_have_text(credit)
        else:
            expect(article.locator(".update__credit")).to_have_count(0)
    reader.context.close()

    atom = feedparser.parse(page.request.get(f"/briefings/{slug}/feed.atom").body())
    json_feed = page.request.get(f"/briefings/{slug}/feed.json").json()
    token = api_token(live_server, email)
    api = page.request.get(
        f"/api/v1/briefings/{slug}/updates", headers={"Authorization": f"Bearer {token}"}
    ).json()
    for (body, _), credit in zip(CLICKS, expected, strict=True):
        names = re.sub(r"^With reporting by ", "", credit).replace(" and ", ", ")
        agencies = names.split(", ") if credit else []
        [entry] = [e for e in atom.entries if body in e.summary or body in e.content[0].value]
        assert [c.name for c in entry.get("contributors", [])] == agencies
        [item] = [i for i in json_feed["items"] if body in i["content_html"]]
        assert item["_briefing"]["credit"] == credit
        [update] = [u for u in api["items"] if body in u["body"]]
        assert update["credit"] == credit
        assert len(update["sources"]) == len(agencies)


def post_in_a_row(page: Page, *, script: bool) -> None:
    for body, clicks in CLICKS:
        # The picker is empty before every update: nothing is credited that was not picked.
        assert checked_chips(page) == []
        page.get_by_label("Update", exact=True).fill(body)
        for name in clicks:
            chip(page, name).click()
        assert sorted(checked_chips(page)) == sorted(clicks)
        no_credit = page.locator("#composer [data-no-credit]")
        if clicks:
            expect(no_credit).to_be_hidden()
        else:
            expect(no_credit).to_be_visible()  # a notice, not a block
        if script:
            for position, name in enumerate(clicks, start=1):
                if len(clicks) > 1:
                    expect(chip(page, name)).to_have_attribute("data-order", str(position))
            page.get_by_label("Update", exact=True).press("Control+Enter")
            expect(item_for(page, body)).to_have_count(1)
            expect(page.get_by_label("Update", exact=True)).to_have_value("")
        else:
            page.get_by_role("button", name="Publish", exact=True).click()
            expect(page.locator(".flashes")).to_contain_text("Published.")


def test_updates_in_a_row_credit_what_was_clicked_in_that_order(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    live_server: LiveServer,
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Credits with script")
    page = new_context().new_page()
    log_in(page, email)
    page.goto(f"/editor/briefings/{slug}")
    expect(page.locator("#composer [data-order-hint-script]")).to_be_visible()
    post_in_a_row(page, script=True)
    for (body, _), credit in zip(CLICKS, WITH_SCRIPT, strict=True):
        if credit:
            expect(item_for(page, body).locator(".update__credit")).to_have_text(credit)
    assert checked_chips(page) == []
    # The sets just used are offered as suggestions, newest first, without a reload.
    expect(page.locator("#composer .suggestion")).to_have_text(
        ["Add Reuters + AFP + AP", "Add AFP + Reuters", "Add Reuters"]
    )

    # A reload selects nothing either; the recent sets are suggestions, one click each.
    page.reload()
    assert checked_chips(page) == []
    suggestion = page.locator("#composer .suggestion", has_text="Reuters + AFP + AP")
    suggestion.click()
    assert checked_chips(page) == ["AFP", "AP", "Reuters"]  # the chips never move
    expect(chip(page, "Reuters")).to_have_attribute("data-order", "1")
    expect(chip(page, "AP")).to_have_attribute("data-order", "3")
    chip(page, "AFP").click()  # a click after a suggestion switches one off, visibly
    expect(chip(page, "AP")).to_have_attribute("data-order", "2")

    assert_credited_everywhere(page, live_server, email, slug, WITH_SCRIPT)


def test_updates_in_a_row_without_javascript_credit_what_was_ticked_in_the_pickers_order(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    live_server: LiveServer,
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, "Credits without script")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, email)
    page.goto(f"/editor/briefings/{slug}")
    expect(page.locator("#composer [data-order-hint]")).to_have_text("credited in the order shown")
    post_in_a_row(page, script=False)
    for (body, _), credit in zip(CLICKS, WITHOUT_SCRIPT, strict=True):
        if credit:
            expect(item_for(page, body).locator(".update__credit")).to_have_text(credit)

    # A suggestion is a button that adds its sources to the form shown again.
    page.get_by_label("Update", exact=True).fill("Trains run again.")
    chip(page, "dpa").click()
    page.locator("#composer .suggestion", has_text="AFP + Reuters").click()
    assert checked_chips(page) == ["AFP", "dpa", "Reuters"]
    expect(page.get_by_label("Update", exact=True)).to_have_value("Trains run again.")

    assert_credited_everywhere(page, live_server, email, slug, WITHOUT_SCRIPT)


def console_watching_dialogs(
    new_context: NewContext, email: str, slug: str, *, script: bool
) -> tuple[Page, list[str]]:
    """The briefing's console, signed in, and the messages of any dialog it opens (the
    credit question is asked in the page, never in one)."""
    page = new_context(java_script_enabled=script).new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, email)
    page.goto(f"/editor/briefings/{slug}")
    return page, dialogs


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_text_naming_an_uncredited_agency_asks_once_in_the_page(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    script: bool,
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, f"Credit check {script}")
    page, dialogs = console_watching_dialogs(new_context, email, slug, script=script)
    body = page.get_by_label("Update", exact=True)

    # Answered "credit it": the agency is picked, visibly, and credited.
    body.fill("Three blasts were heard, according to AFP.")
    chip(page, "AP").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    question = page.locator("#composer [data-credit-check]")
    expect(question).to_contain_text("Credit AFP?")
    expect(body).to_have_value("Three blasts were heard, according to AFP.")
    question.get_by_role("button", name="Credit AFP and publish").click()
    posted = item_for(page, "Three blasts were heard")
    # With the script, AFP is added after AP (the order picked); without, in the picker's.
    expected = "With reporting by AP and AFP" if script else "With reporting by AFP and AP"
    expect(posted.locator(".update__credit")).to_have_text(expected)
    expect(question).to_be_empty()
    assert checked_chips(page) == []

    # Answered "publish as it is": asked once, then it goes out.
    body.fill("Reuters could not verify the claim.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(question).to_contain_text("Credit Reuters?")
    expect(item_for(page, "Reuters could not verify")).to_have_count(0)
    if script:
        body.press("Control+Enter")
    else:
        question.get_by_role("button", name="Publish without crediting").click()
    expect(item_for(page, "Reuters could not verify")).to_have_count(1)
    expect(item_for(page, "Reuters could not verify").locator(".update__credit")).to_have_count(0)
    assert dialogs == []

    # An edit that newly names an agency is asked about in its own form.
    posted.get_by_role("link", name="Edit").click()
    edit = page.locator("[data-edit-form]")
    edit.get_by_label("Update", exact=True).fill("Three blasts, according to AFP and Xinhua.")
    edit.get_by_role("button", name="Save", exact=True).click()
    expect(edit.locator("[data-credit-check]")).to_contain_text("Credit Xinhua?")
    edit.get_by_role("button", name="Credit Xinhua and save").click()
    edited = item_for(page, "Three blasts, according to AFP and Xinhua.")
    credit = (
        "With reporting by AP, AFP and Xinhua"
        if script
        else ("With reporting by AFP, AP and Xinhua")
    )
    expect(edited.locator(".update__credit")).to_have_text(credit)
    assert dialogs == []


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_publishing_a_draft_from_the_list_asks_once_in_place(
    new_context: NewContext,
    make_account: MakeAccount,
    seed_briefing: Callable[..., str],
    script: bool,
) -> None:
    email = make_account(Role.EDITOR)
    slug = seed_briefing(email, f"Draft credit check {script}")
    page, dialogs = console_watching_dialogs(new_context, email, slug, script=script)
    body = page.get_by_label("Update", exact=True)
    for text in ["Roads closed, Reuters reported.", "Bridges shut, according to AFP."]:
        body.fill(text)
        chip(page, "AP").click()
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator("#console-drafts").get_by_text(text)).to_have_count(1)

    # Answered "credit it": after the draft's own credit.
    draft = item_for(page, "Roads closed")
    draft.get_by_role("button", name="Publish", exact=True).click()
    question = draft.locator("[data-publish-check]") if script else page.locator("main")
    expect(question).to_contain_text("Credit Reuters?")
    if script:
        assert page.url.endswith(f"/editor/briefings/{slug}")  # in place, no page loaded
    question.get_by_role("button", name="Credit Reuters and publish").click()
    published = page.locator("#console-updates li.console-item", has_text="Roads closed")
    expect(published.locator(".update__credit")).to_have_text("With reporting by AP and Reuters")
    expect(published.locator("[data-publish-check]")).to_have_count(0)

    # Answered "publish as it is": asked once, then it goes out as it was.
    draft = item_for(page, "Bridges shut")
    draft.get_by_role("button", name="Publish", exact=True).click()
    question = draft.locator("[data-publish-check]") if script else page.locator("main")
    expect(question).to_contain_text("Credit AFP?")
    question.get_by_role("button", name="Publish without crediting").click()
    published = page.locator("#console-updates li.console-item", has_text="Bridges shut")
    expect(published.locator(".update__credit")).to_have_text("With reporting by AP")
    expect(page.locator("#console-drafts li.console-item")).to_have_count(0)
    assert dialogs == []
