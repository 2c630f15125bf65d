"""The console without JavaScript (plain forms, PRG) and with it (JSON), on the real
database: posting once per composer key, previews, edits and conflicts, drafts, toggles."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Role, Update, UpdateStatus
from briefing.services import timeline
from briefing.services import updates as update_service
from tests.web.editor.conftest import JSON, parse, texts

CONSOLE = "/editor/briefings/war"
COMPOSER = "//form[@id='composer']"


def update_count() -> int:
    return db.session.scalar(select(func.count(Update.id))) or 0


def composer_key(session) -> str:
    return session.page(CONSOLE).xpath(f"{COMPOSER}//input[@name='idempotency_key']/@value")[0]


def test_publishing_from_the_composer_redirects_to_the_console_and_reaches_readers(
    desk, client, briefing
):
    response = desk.submit(
        CONSOLE,
        {"headline": "Strike on a power plant", "body": "A *plant* was hit.",
         "sources": ["reuters", "afp"]},
        form=COMPOSER,
        button=("action", "publish"),
    )  # fmt: skip
    assert response.status_code == 302
    [item] = timeline.updates_page(briefing).items
    assert response.headers["Location"] == f"{CONSOLE}#update-{item.id}"
    assert [s.slug for s in item.sources] == ["reuters", "afp"]

    doc = desk.page(CONSOLE)
    assert texts(doc, "//div[@class='flashes']/p") == ["Published."]
    article = doc.xpath(f"//ol[@id='console-updates']/li/article[@id='update-{item.id}']")[0]
    assert texts(article, ".//p[@class='update__credit']") == ["With reporting by Reuters and AFP"]
    # The composer is empty again, its picker too; the sources just used are a suggestion.
    assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text in (None, "", "\n")
    assert doc.xpath(f"{COMPOSER}//input[@name='sources'][@checked]") == []
    assert doc.xpath(f"{COMPOSER}//button[@data-suggest]/@value") == ["suggest:reuters afp"]

    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert texts(public, "//div[@id='updates']/article//h2") == ["Strike on a power plant"]


def test_a_repeated_composer_key_posts_once(desk, briefing):
    key = composer_key(desk)
    data = {"body": "Sirens in Kyiv.", "idempotency_key": key, "action": "publish"}
    first = desk.post(f"{CONSOLE}/updates", data)
    again = desk.post(f"{CONSOLE}/updates", data)
    as_json = desk.post(f"{CONSOLE}/updates", data, json=True)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert update_count() == 1
    [fragment] = as_json.get_json()["updates"]
    assert first.headers["Location"].endswith(f"#update-{fragment['id']}")
    # A fresh key for the composer's next update.
    assert as_json.get_json()["idempotency_key"] not in ("", key)


def test_a_retry_with_changed_text_keeps_the_text_and_says_what_happened(desk, briefing):
    key = composer_key(desk)
    desk.post(f"{CONSOLE}/updates", {"body": "First try.", "idempotency_key": key})
    response = desk.post(
        f"{CONSOLE}/updates", {"body": "First try, corrected.", "idempotency_key": key}
    )
    assert response.status_code == 409
    assert update_count() == 1
    doc = parse(response)
    assert (
        "An earlier attempt to send this update arrived"
        in texts(doc, "//div[@data-form-errors]")[0]
    )
    assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == (
        "First try, corrected."
    )
    new_key = doc.xpath(f"{COMPOSER}//input[@name='idempotency_key']/@value")[0]
    assert new_key != key


def test_script_posts_get_the_shared_fragment_as_json(desk, briefing):
    response = desk.post(
        f"{CONSOLE}/updates",
        {"body": "Power is **back**.", "sources": ["ap"], "key_event": "y",
         "idempotency_key": composer_key(desk), "action": "publish"},
        json=True,
    )  # fmt: skip
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "Published."
    [entry] = body["updates"]
    article = lxml.html.fragment_fromstring(entry["html"])
    assert article.get("id") == f"update-{entry['id']}"
    assert "update--key" in article.get("class")
    assert texts(article, ".//p[@class='update__credit']") == ["With reporting by AP"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"body": "   "}, "body", "This field is required."),
        ({"body": "Text", "headline": "x" * 201}, "headline", "Must be at most 200 characters"),
        ({"body": "Text", "sources": ["tass"]}, "sources", "Unknown source: tass."),
    ],
)
def test_invalid_updates_show_field_errors_and_keep_the_text(desk, briefing, data, field, message):
    response = desk.submit(CONSOLE, data, form=COMPOSER, button=("action", "publish"))
    assert response.status_code == 422
    doc = parse(response)
    [error] = texts(doc, f"{COMPOSER}//p[@data-error-for='{field}']")
    assert error.startswith(message)
    assert doc.xpath(f"{COMPOSER}//*[@name='{field}'][@aria-invalid='true']") or field == "sources"
    assert update_count() == 0
    if data["body"].strip():
        assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == data["body"]
    as_json = desk.post(f"{CONSOLE}/updates", data, json=True)
    assert as_json.status_code == 422
    assert as_json.get_json()["errors"][field][0].startswith(message)


def test_posting_to_an_ended_briefing_is_refused_with_a_message(desk, briefing, editor):
    from briefing.models import BriefingStatus
    from briefing.services.briefings import change_briefing

    page = desk.page(CONSOLE)
    token = page.xpath("//meta[@name='csrf-token']/@content")[0]
    change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    response = desk.open(
        f"{CONSOLE}/updates", method="POST", data={"body": "Late.", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "This briefing has ended" in texts(parse(response), "//div[@data-form-errors]")[0]
    assert not desk.page(CONSOLE).xpath(COMPOSER)


def test_preview_renders_the_public_markup_without_saving(desk, briefing):
    response = desk.post(
        f"{CONSOLE}/preview",
        {"headline": "Draft <b>headline</b>", "body": "A [link](javascript:alert(1)) **bold**",
         "sources": ["reuters", "afp"], "key_event": "y"},
        json=True,
    )  # fmt: skip
    assert response.status_code == 200
    article = lxml.html.fragment_fromstring(response.get_json()["html"])
    assert article.tag == "article" and article.get("id") is None
    assert "update--key" in article.get("class")
    assert texts(article, ".//h2") == ["Draft <b>headline</b>"]
    assert article.xpath(".//strong")[0].text == "bold"
    assert article.xpath(".//a[not(@href)]") or not article.xpath(".//a[contains(@href,'java')]")
    assert texts(article, ".//p[@class='update__credit']") == ["With reporting by Reuters and AFP"]
    assert update_count() == 0
    # Without JavaScript, the Preview button shows it under the composer, text kept.
    page = desk.submit(
        CONSOLE, {"body": "Preview *me*"}, form=COMPOSER, button=("action", "preview")
    )
    doc = parse(page)
    assert doc.xpath("//section[@id='preview']//article//em")[0].text == "me"
    assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == "Preview *me*"
    assert update_count() == 0


def test_edit_saves_a_revision_and_marks_the_update_edited(desk, briefing, make_update):
    item = make_update(briefing, body="Ten homes flooded.", sources=["reuters"])
    url = f"{CONSOLE}/updates/{item.id}/edit"
    response = desk.submit(url, {"body": "Twelve homes flooded.", "correction": "Count fixed."})
    assert response.headers["Location"] == f"{CONSOLE}#update-{item.id}"
    item = timeline.update_in(briefing, item.id)
    assert (item.body, item.version, item.correction) == (
        "Twelve homes flooded.",
        2,
        "Count fixed.",
    )
    assert item.edited_at is not None
    assert [s.slug for s in item.sources] == ["reuters"]
    history = desk.page(f"{CONSOLE}/updates/{item.id}/history")
    assert texts(history, "//pre[@class='history__body']") == ["Ten homes flooded."]
    assert "replaced by Olena Editor" in texts(history, "//p[@class='history__meta']")[0]


def test_stale_edit_is_refused_with_both_versions_and_keeps_the_text(
    desk, briefing, make_update, make_user
):
    item = make_update(briefing, body="Original text.")
    url = f"{CONSOLE}/updates/{item.id}/edit"
    form_page = desk.page(url)  # the editor opens the form at version 1 …
    assert form_page.xpath("//input[@name='version']/@value") == ["1"]
    other = make_user(Role.EDITOR, display_name="Petro Other")
    update_service.edit_update(item, actor=other, version=1, body="Their newer text.")

    # … and saves, based on version 1.
    response = desk.post(url, {"version": "1", "body": "My own text.", "headline": "Mine"})
    assert response.status_code == 409
    doc = parse(response)
    theirs = doc.xpath("//section[@class='conflict__theirs']")[0]
    assert "version 2" in texts(theirs, ".//h2")[0]
    assert "by Petro Other" in texts(theirs, ".//h2")[0]
    assert texts(theirs, ".//article//div[contains(@class,'update__body')]") == [
        "Their newer text."
    ]
    # Their text as written, its own words struck; mine with its own words marked; the
    # headline compared too, since it differs.
    labels = texts(theirs, ".//dt")
    assert labels == ["Headline", "Text"]
    [their_headline, their_text] = theirs.xpath(".//dd[@class='diff__text']")
    assert their_text.text_content() == "Their newer text."
    assert texts(their_text, ".//del") == ["Their newer"]
    assert their_headline.text_content() == "—"
    mine_side = doc.xpath("//section[@class='conflict__mine']")[0]
    assert texts(mine_side, ".//dd[@class='diff__text']//ins") == ["Mine", "My own"]
    mine = doc.xpath("//section[@class='conflict__mine']//form")[0]
    assert mine.xpath(".//textarea[@name='body']")[0].text.strip() == "My own text."
    assert mine.xpath(".//input[@name='headline']/@value") == ["Mine"]
    # Saving again replaces the version just shown, deliberately.
    assert mine.xpath(".//input[@name='version']/@value") == ["2"]
    assert timeline.update_in(briefing, item.id).body == "Their newer text."

    as_json = desk.post(url, {"version": "1", "body": "My own text."}, json=True)
    assert as_json.status_code == 409
    fragment = lxml.html.fragment_fromstring(as_json.get_json()["html"])
    assert fragment.xpath(".//section[@class='conflict__theirs']")
    assert as_json.get_json()["message"].startswith("Someone saved this update")

    saved = desk.post(url, {"version": "2", "body": "My own text."})
    assert saved.status_code == 303
    assert timeline.update_in(briefing, item.id).body == "My own text."


def test_edit_form_errors_are_shown_on_their_fields(desk, briefing, make_update):
    item = make_update(briefing, body="Text.")
    response = desk.submit(f"{CONSOLE}/updates/{item.id}/edit", {"body": ""})
    assert response.status_code == 422
    assert texts(parse(response), "//p[@data-error-for='body']") == ["This field is required."]


def test_contributor_drafts_wait_for_an_editor_who_publishes_them(
    newsroom, desk, briefing, contributor, client
):
    writer = newsroom(contributor)
    doc = writer.page(CONSOLE)
    # The buttons shown; the first, hidden one is what Enter in a text field presses.
    buttons = doc.xpath(f"{COMPOSER}//button[@name='action']/@value")
    assert buttons == ["draft", "draft", "preview"]
    assert not doc.xpath(f"{COMPOSER}//input[@name='pinned']")
    response = writer.submit(
        CONSOLE, {"body": "Train services resume."}, form=COMPOSER, button=("action", "draft")
    )
    assert response.status_code == 302
    assert "Draft saved" in texts(writer.page(CONSOLE), "//div[@class='flashes']")[0]

    dashboard = desk.page("/editor/")
    assert texts(dashboard, "//span[contains(@class,'pill--drafts')]") == ["1 draft waiting"]
    console = desk.page(CONSOLE)
    [draft] = console.xpath("//ol[@id='console-drafts']/li")
    assert "Train services resume." in draft.text_content()
    form = draft.xpath(".//form[contains(@action,'/publish')]")[0]
    response = desk.submit(CONSOLE, form=f"//form[@action='{form.get('action')}']")
    assert response.status_code == 303
    [item] = timeline.updates_page(briefing).items
    assert item.is_published and item.author_id == contributor.id
    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert "Train services resume." in texts(public, "//div[@id='updates']")[0]


def test_publishing_a_draft_that_changed_meanwhile_is_refused(
    desk, briefing, contributor, make_update
):
    draft = make_update(briefing, actor=contributor, status=UpdateStatus.DRAFT, body="v1")
    update_service.edit_update(draft, actor=contributor, version=1, body="v2 by its author")
    response = desk.post(f"{CONSOLE}/updates/{draft.id}/publish", {"version": "1"}, json=True)
    assert response.status_code == 409
    assert response.get_json()["message"].startswith("The draft changed since you loaded it")
    [entry] = response.get_json()["updates"]
    assert "v2 by its author" in entry["html"]
    assert timeline.update_in(briefing, draft.id, public=False).status == UpdateStatus.DRAFT


def test_pin_and_key_event_toggle_and_answer_with_every_changed_fragment(
    desk, briefing, make_update
):
    first = make_update(briefing, body="First.", pinned=True)
    second = make_update(briefing, body="Second.")
    response = desk.post(f"{CONSOLE}/updates/{second.id}/pin", {"value": "1"}, json=True)
    ids = {entry["id"]: entry["html"] for entry in response.get_json()["updates"]}
    assert set(ids) == {first.id, second.id}
    assert "update--pinned" in ids[second.id] and "update--pinned" not in ids[first.id]
    assert timeline.pinned_update(briefing).id == second.id

    response = desk.post(f"{CONSOLE}/updates/{second.id}/pin", {"value": "0"})
    assert response.status_code == 303
    assert timeline.pinned_update(briefing) is None

    desk.post(f"{CONSOLE}/updates/{first.id}/key-event", {"value": "1"})
    assert [u.id for u in timeline.key_events(briefing)] == [first.id]
    desk.post(f"{CONSOLE}/updates/{first.id}/key-event", {"value": "0"})
    assert timeline.key_events(briefing) == []


def test_delete_asks_for_confirmation_then_retracts(desk, briefing, make_update, client):
    item = make_update(briefing, body="Wrong town named.")
    confirm = desk.page(f"{CONSOLE}/updates/{item.id}/delete")
    assert texts(confirm, "//h1") == ["Delete this update?"]
    assert timeline.update_in(briefing, item.id).is_published  # asking changed nothing
    response = desk.submit(f"{CONSOLE}/updates/{item.id}/delete")
    assert response.headers["Location"] == CONSOLE
    assert timeline.update_in(briefing, item.id, public=False).status == UpdateStatus.DELETED
    assert client.get(f"/briefings/war/updates/{item.id}").status_code == 404
    assert desk.get(f"{CONSOLE}/updates/{item.id}/edit").status_code == 404


def test_console_lists_published_updates_newest_first_with_their_actions(
    desk, briefing, make_update
):
    older = make_update(briefing, body="Older.")
    newer = make_update(briefing, body="Newer.")
    doc = desk.page(CONSOLE)
    items = doc.xpath("//ol[@id='console-updates']/li")
    assert [li.get("data-update-id") for li in items] == [str(newer.id), str(older.id)]
    actions = texts(items[0], ".//div[@class='item-actions']//*[self::a or self::button]")
    assert actions == [
        "Publish", "Publish now", "Save time", "Cancel schedule", "Edit", "Pin", "Unpin",
        "Mark key event", "Unmark key event", "History", "Delete",
    ]  # fmt: skip
    # The script's template for inserted updates has the same actions, addressed by id.
    template = doc.xpath("//template[@id='console-item-template']")[0]
    assert "__ID__/pin" in lxml.html.tostring(template, encoding="unicode")


def test_unknown_briefing_or_update_is_a_console_404(desk, briefing):
    assert desk.get("/editor/briefings/nope").status_code == 404
    response = desk.get(f"{CONSOLE}/updates/99999/edit")
    assert response.status_code == 404
    assert texts(parse(response), "//a[@class='button']") == ["Back to the briefings"]
    assert desk.get(f"{CONSOLE}/updates/99999/edit", headers=JSON).mimetype == (
        "application/problem+json"
    )


def test_draft_briefings_open_in_the_console(desk, make_briefing):
    from briefing.models import BriefingStatus

    draft = make_briefing(title="Not yet public", status=BriefingStatus.DRAFT)
    doc = desk.page(f"/editor/briefings/{draft.slug}")
    assert texts(doc, "//h1") == ["Not yet public"]
    assert "Not visible to readers yet" in texts(doc, "//p[@class='console__meta']")[0]


ENVELOPE = {
    "message", "updates", "removed", "errors", "html", "idempotency_key", "suggestions",
    "question",
}  # fmt: skip


def test_every_console_answer_to_the_script_has_one_shape(desk, briefing, make_update):
    item = make_update(briefing, body="Listed.")
    key = composer_key(desk)
    one = f"{CONSOLE}/updates/{item.id}"
    answers = {
        "published": desk.post(
            f"{CONSOLE}/updates", {"body": "New.", "idempotency_key": key}, json=True
        ),
        "key reused": desk.post(
            f"{CONSOLE}/updates", {"body": "Other.", "idempotency_key": key}, json=True
        ),
        "refused": desk.post(f"{CONSOLE}/updates", {"body": " "}, json=True),
        "question": desk.post(f"{CONSOLE}/updates", {"body": "AFP said so."}, json=True),
        "preview": desk.post(f"{CONSOLE}/preview", {"body": "Soon."}, json=True),
        "edit form": desk.get(f"{one}/edit", headers=JSON),
        "edit saved": desk.post(f"{one}/edit", {"version": "1", "body": "Fixed."}, json=True),
        "stale edit": desk.post(f"{one}/edit", {"version": "1", "body": "Late."}, json=True),
        "history": desk.get(f"{one}/history", headers=JSON),
        "pinned": desk.post(f"{one}/pin", {"value": "1"}, json=True),
        "key event": desk.post(f"{one}/key-event", {"value": "1"}, json=True),
        "deleted": desk.post(f"{one}/delete", {}, json=True),
    }
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {
        "published": 200, "key reused": 409, "refused": 422, "question": 200, "preview": 200,
        "edit form": 200, "edit saved": 200, "stale edit": 409, "history": 200,
        "pinned": 200, "key event": 200, "deleted": 200,
    }  # fmt: skip
    for name, response in answers.items():
        assert response.mimetype == "application/json", name
        assert set(response.get_json()) == ENVELOPE, name
    assert answers["refused"].get_json()["errors"]["body"] == ["This field is required."]
    assert answers["key reused"].get_json()["errors"]["_form"][0].startswith("An earlier")
    assert answers["deleted"].get_json()["removed"] == [item.id]
    assert lxml.html.fragment_fromstring(answers["preview"].get_json()["html"]).tag == "article"


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.EDITOR, Role.ADMIN])
def test_saving_a_draft_says_who_publishes_it_by_role(newsroom, make_user, briefing, role):
    session = newsroom(make_user(role))
    response = session.submit(
        CONSOLE, {"body": "Held back for now."}, form=COMPOSER, button=("action", "draft")
    )
    assert response.status_code == 302
    expected = (
        "Draft saved; an editor will publish it." if role == Role.CONTRIBUTOR else "Draft saved."
    )
    assert texts(session.page(CONSOLE), "//div[@class='flashes']/p") == [expected]
    answer = session.post(f"{CONSOLE}/updates", {"action": "draft", "body": "Again."}, json=True)
    assert answer.get_json()["message"] == expected
