"""Credits in the console as SPEC §12 says: exactly what the picker shows, in its order;
nothing pre-selected; "Credit Reuters?" asked once; a warning when nothing is credited.
Plain forms here (as a browser without JavaScript sends them) and the script's JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html

from briefing.models import UpdateStatus
from briefing.services import newsroom, timeline
from tests.web.editor.conftest import parse, texts

CONSOLE = "/editor/briefings/war"
COMPOSER = "//form[@id='composer']"


def credits(briefing) -> list[list[str]]:
    """Each published update's credited slugs, oldest first."""
    items = reversed(timeline.updates_page(briefing).items)
    return [[s.slug for s in item.sources] for item in items]


def parse_fragment(html: str):
    return lxml.html.fromstring(f"<div>{html}</div>")


def picked(doc) -> list[str]:
    return doc.xpath(f"{COMPOSER}//input[@name='sources'][@checked]/@value")


def test_the_picker_starts_empty_in_one_order_and_a_plain_form_credits_in_that_order(
    desk, briefing
):
    doc = desk.page(CONSOLE)
    assert picked(doc) == []
    chips = doc.xpath(f"{COMPOSER}//input[@name='sources']/@value")
    assert chips[:4] == ["afp", "anadolu", "ansa", "ap"]  # by name, whatever case
    # A plain form submits checked boxes in the order shown.
    desk.submit(CONSOLE, {"body": "One.", "sources": ["reuters"]}, form=COMPOSER)
    doc = desk.page(CONSOLE)
    assert picked(doc) == []
    assert doc.xpath(f"{COMPOSER}//input[@name='sources']/@value") == chips  # never moved
    desk.submit(CONSOLE, {"body": "Two.", "sources": ["afp"]}, form=COMPOSER)
    assert credits(briefing) == [["reuters"], ["afp"]]


def test_a_suggestion_adds_its_sources_without_switching_any_off_or_publishing(desk, briefing):
    desk.submit(CONSOLE, {"body": "One.", "sources": ["ap", "reuters"]}, form=COMPOSER)
    response = desk.submit(
        CONSOLE,
        {"body": "Two.", "sources": ["reuters", "dpa"]},
        form=COMPOSER,
        button=("action", "suggest:ap reuters"),
    )
    assert response.status_code == 200
    doc = parse(response)
    assert picked(doc) == ["ap", "dpa", "reuters"]  # in the picker's order
    assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == "Two."
    assert credits(briefing) == [["ap", "reuters"]]


def test_text_naming_an_uncredited_agency_is_asked_about_once_without_javascript(desk, briefing):
    body = "Three blasts were heard, Reuters reported, citing AFP."
    response = desk.submit(CONSOLE, {"body": body, "sources": ["afp"]}, form=COMPOSER)
    assert response.status_code == 200
    assert credits(briefing) == []
    doc = parse(response)
    [question] = texts(doc, f"{COMPOSER}//div[@data-credit-check]")
    assert "Credit Reuters?" in question
    assert picked(doc) == ["afp"]  # the picker as it was: nothing chosen for the editor
    assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == body

    # Publishing again as it is goes out: asked once.
    again = desk.submit(CONSOLE, {}, form=COMPOSER, page=doc, button=("action", "publish"))
    assert again.status_code == 302
    assert credits(briefing) == [["afp"]]


def test_the_answer_credit_it_adds_the_agency_in_the_pickers_order(desk, briefing):
    body = "Reuters and AP reported the blasts."
    doc = parse(desk.submit(CONSOLE, {"body": body, "sources": ["dpa"]}, form=COMPOSER))
    [button] = doc.xpath(f"{COMPOSER}//button[@data-credit]")
    assert button.text_content().strip() == "Credit Reuters and AP and publish"
    desk.submit(CONSOLE, {}, form=COMPOSER, page=doc, button=("action", button.get("value")))
    assert credits(briefing) == [["ap", "dpa", "reuters"]]


def test_an_agency_named_later_is_asked_about_too_but_one_already_asked_is_not(desk, briefing):
    doc = parse(desk.submit(CONSOLE, {"body": "According to AFP."}, form=COMPOSER))
    assert "Credit AFP?" in texts(doc, f"{COMPOSER}//div[@data-credit-check]")[0]
    body = "According to AFP and Xinhua."
    doc = parse(desk.submit(CONSOLE, {"body": body}, form=COMPOSER, page=doc))
    [question] = texts(doc, f"{COMPOSER}//div[@data-credit-check]")
    assert "Credit Xinhua?" in question and "AFP?" not in question
    response = desk.submit(CONSOLE, {}, form=COMPOSER, page=doc, button=("action", "publish"))
    assert response.status_code == 302
    assert credits(briefing) == [[]]


def test_the_script_gets_the_question_as_a_fragment_and_nothing_is_published(desk, briefing):
    data = {"body": "Reuters reported it.", "action": "publish"}
    answer = desk.post(f"{CONSOLE}/updates", data, json=True).get_json()
    assert answer["message"] == "Credit Reuters?"
    assert answer["updates"] == []
    fragment = parse_fragment(answer["question"])
    assert fragment.xpath("//input[@name='credit_checked']/@value") == ["reuters"]
    assert fragment.xpath("//button[@data-credit]/@data-credit") == ["reuters"]
    assert credits(briefing) == []
    done = desk.post(f"{CONSOLE}/updates", {**data, "credit_checked": "reuters"}, json=True)
    assert done.get_json()["updates"]
    # Drafts are not asked about: they do not go out.
    draft = {"body": "AFP says so.", "action": "draft"}
    assert desk.post(f"{CONSOLE}/updates", draft, json=True).get_json()["updates"]


def test_publishing_with_no_credit_is_allowed_with_a_warning(desk, briefing):
    doc = desk.page(CONSOLE)
    [notice] = doc.xpath(f"{COMPOSER}//*[@data-no-credit]")
    assert notice.get("hidden") is None  # nothing picked: said before publishing
    desk.submit(CONSOLE, {"body": "Sirens in Lviv."}, form=COMPOSER)
    [flash] = desk.page(CONSOLE).xpath("//div[@class='flashes']/p")
    assert "flash--warning" in flash.get("class")
    assert "credits no source" in flash.text_content()
    answer = desk.post(
        f"{CONSOLE}/updates", {"body": "Sirens in Odesa.", "action": "publish"}, json=True
    ).get_json()
    assert "credits no source" in answer["message"]


def edit_form(item) -> str:
    return f"//form[@action='{CONSOLE}/updates/{item.id}/edit']"


def test_an_edit_that_newly_names_an_agency_asks_once_then_saves(desk, briefing, make_update):
    item = make_update(briefing, body="Ten homes flooded.", sources=["reuters"])
    url = f"{CONSOLE}/updates/{item.id}/edit"
    body = "Ten homes flooded, AFP reported."
    response = desk.submit(url, {"body": body}, form=edit_form(item))
    assert response.status_code == 200
    doc = parse(response)
    assert "Credit AFP?" in texts(doc, "//div[@data-credit-check]")[0]
    assert timeline.update_in(briefing, item.id).body == "Ten homes flooded."
    [button] = doc.xpath("//button[@data-credit]")
    assert button.text_content().strip() == "Credit AFP and save"
    # The reply "credit it": in the edit picker's order (the update's credits first).
    saved = desk.submit(
        url, {}, form=edit_form(item), page=doc, button=("action", button.get("value"))
    )
    assert saved.status_code == 303
    edited = timeline.update_in(briefing, item.id)
    assert (edited.body, [s.slug for s in edited.sources]) == (body, ["reuters", "afp"])


def test_an_edit_is_not_asked_about_names_its_version_already_had_but_is_if_it_drops_one(
    desk, briefing, make_update
):
    item = make_update(briefing, body="AFP and Reuters said so.", sources=["reuters"])
    url = f"{CONSOLE}/updates/{item.id}/edit"
    # AFP went out uncredited before (asked then): fixing a typo does not ask again.
    typo = desk.submit(url, {"body": "AFP and Reuters both said so."}, form=edit_form(item))
    assert typo.status_code == 303
    # Dropping Reuters' credit while the text still names it does.
    answer = desk.post(url, {"version": "2", "body": "AFP and Reuters both said so."}, json=True)
    assert answer.get_json()["message"] == "Credit Reuters?"
    assert timeline.update_in(briefing, item.id).version == 2
    kept = {"version": "2", "body": "AFP and Reuters both said so.", "credit_checked": "reuters"}
    saved = desk.post(url, kept, json=True).get_json()["message"]
    assert saved == "Saved. It credits no source: edit it to add one if it should."
    assert timeline.update_in(briefing, item.id).sources == []


def publish_form(item) -> str:
    return f"(//form[@action='{CONSOLE}/updates/{item.id}/publish'])[1]"


QUESTION = "//form[@data-publish-check]"


def test_publishing_a_draft_that_names_an_uncredited_agency_asks_first_without_javascript(
    desk, briefing, make_update
):
    item = make_update(
        briefing, status=UpdateStatus.DRAFT, body="Reuters reported blasts.", sources=["afp"]
    )
    response = desk.submit(CONSOLE, form=publish_form(item))
    assert response.status_code == 200
    assert timeline.update_in(briefing, item.id, public=False).status == UpdateStatus.DRAFT
    doc = parse(response)
    assert "Credit Reuters?" in texts(doc, "//h1")[0]
    assert doc.xpath(f"{QUESTION}/@action") == [f"{CONSOLE}/updates/{item.id}/publish"]
    [button] = doc.xpath(f"{QUESTION}//button[@data-credit]")
    assert button.text_content().strip() == "Credit Reuters and publish"
    assert texts(doc, f"{QUESTION}//button[@value='publish']") == ["Publish without crediting"]
    # "Credit Reuters and publish": after the credits the draft has.
    done = desk.submit(CONSOLE, form=QUESTION, page=doc, button=("action", button.get("value")))
    assert done.status_code == 303
    published = timeline.update_in(briefing, item.id)
    assert published.is_published
    assert [s.slug for s in published.sources] == ["afp", "reuters"]


def test_publish_without_crediting_is_asked_once_and_goes_out_uncredited(
    desk, briefing, make_update
):
    item = make_update(
        briefing,
        status=UpdateStatus.SCHEDULED,
        publish_at=datetime.now(UTC) + timedelta(days=1),
        body="According to AFP, roads closed.",
    )
    doc = parse(desk.submit(CONSOLE, form=publish_form(item)))
    assert "Credit AFP?" in texts(doc, "//h1")[0]
    done = desk.submit(CONSOLE, form=QUESTION, page=doc, button=("action", "publish"))
    assert done.status_code == 303
    published = timeline.update_in(briefing, item.id)
    assert (published.is_published, published.sources) == (True, [])
    [flash] = desk.page(CONSOLE).xpath("//div[@class='flashes']/p")
    assert "credits no source" in flash.text_content()


def test_the_script_gets_the_publish_question_as_a_form_of_its_own(desk, briefing, make_update):
    item = make_update(briefing, status=UpdateStatus.DRAFT, body="Xinhua said so.")
    url = f"{CONSOLE}/updates/{item.id}/publish"
    answer = desk.post(url, {"version": str(item.version)}, json=True).get_json()
    assert (answer["message"], answer["updates"]) == ("Credit Xinhua?", [])
    fragment = parse_fragment(answer["question"])
    [form] = fragment.xpath("//form[@data-publish-check][@data-enhance]")
    assert form.get("action") == url
    assert form.xpath(".//input[@name='version']/@value") == [str(item.version)]
    assert form.xpath(".//input[@name='credit_checked']/@value") == ["xinhua"]
    assert timeline.update_in(briefing, item.id, public=False).status == UpdateStatus.DRAFT
    # A draft naming no agency it does not credit goes out at once.
    plain = make_update(briefing, status=UpdateStatus.DRAFT, body="Calm.", sources=["ap"])
    done = desk.post(f"{CONSOLE}/updates/{plain.id}/publish", {"version": "1"}, json=True)
    assert done.get_json()["message"] == "Published."


def test_scheduling_text_that_names_an_uncredited_agency_asks_once_then_schedules(desk, briefing):
    later = datetime.now(ZoneInfo(briefing.timezone)) + timedelta(days=1)
    when = {"publish_date": later.date().isoformat(), "publish_time": later.strftime("%H:%M")}
    fields = {"body": "Reuters reported the talks will resume.", "sources": ["afp"], **when}
    response = desk.submit(CONSOLE, fields, form=COMPOSER, button=("action", "schedule"))
    assert response.status_code == 200
    assert newsroom.scheduled(briefing) == []
    doc = parse(response)
    assert "Credit Reuters?" in texts(doc, f"{COMPOSER}//div[@data-credit-check]")[0]
    [credit, without] = doc.xpath(f"{COMPOSER}//div[@data-credit-check]//button")
    assert credit.text_content().strip() == "Credit Reuters and schedule"
    assert without.get("value") == "schedule"

    # "Credit Reuters and schedule": scheduled, not published, crediting both.
    desk.submit(CONSOLE, {}, form=COMPOSER, page=doc, button=("action", credit.get("value")))
    [scheduled] = newsroom.scheduled(briefing)
    assert [s.slug for s in scheduled.sources] == ["afp", "reuters"]
    assert credits(briefing) == []

    # "Schedule without crediting": scheduled as it is, asked only once.
    doc = parse(desk.submit(CONSOLE, fields, form=COMPOSER, button=("action", "schedule")))
    desk.submit(CONSOLE, {}, form=COMPOSER, page=doc, button=("action", "schedule"))
    assert [[s.slug for s in u.sources] for u in newsroom.scheduled(briefing)] == [
        ["afp", "reuters"],
        ["afp"],
    ]
