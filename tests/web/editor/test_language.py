"""The console's language (SPEC §14): the editor's setting, else the browser's
Accept-Language (best match among the shipped languages), else English; and a briefing is
written in its own language whatever the console speaks."""

from __future__ import annotations

from briefing.extensions import db
from briefing.services import briefings as briefing_service
from briefing.services import users as user_service
from tests.web.editor.conftest import parse, texts


def heading(doc):
    return doc.xpath("//h1[@id='briefings-title']")[0].text_content()


def test_the_console_speaks_english_by_default(desk):
    doc = desk.page("/editor/")
    assert heading(doc) == "Briefings"
    assert doc.getroottree().getroot().get("lang") == "en"


def test_the_console_follows_the_browsers_language(desk):
    response = desk.get("/editor/", headers={"Accept-Language": "de-DE, uk-UA;q=0.8, en;q=0.5"})
    doc = desk.parse(response)
    assert heading(doc) == "Трансляції"
    assert doc.getroottree().getroot().get("lang") == "uk"


def test_the_editors_setting_wins_over_the_browser(desk, editor):
    response = desk.submit(
        "/editor/", {"language": "ar"}, form="//form[contains(@class, 'language-form')]"
    )
    assert response.status_code == 302
    db.session.refresh(editor)
    assert editor.language == "ar"
    doc = desk.parse(desk.get("/editor/", headers={"Accept-Language": "uk"}))
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert heading(doc) == "الموجزات"
    assert doc.xpath("//p[contains(@class, 'flash--success')]")[0].text == "تغيّرت لغة لوحة التحرير."
    # Back to the browser's choice.
    desk.submit("/editor/", {"language": ""}, form="//form[contains(@class, 'language-form')]")
    doc = desk.parse(desk.get("/editor/", headers={"Accept-Language": "ru"}))
    assert heading(doc) == "Трансляции"


def test_an_unknown_language_is_refused(desk, editor):
    response = desk.post("/editor/language", {"language": "xx", "next": "/editor/"})
    assert response.status_code == 302
    db.session.refresh(editor)
    assert editor.language is None
    doc = desk.page("/editor/")
    assert doc.xpath("//p[contains(@class, 'flash--error')]")[0].text == (
        "Choose one of the languages listed."
    )


def test_form_labels_and_errors_are_translated(newsroom, editor):
    session = newsroom(None)
    response = session.submit(
        "/editor/login", {"email": "", "password": ""}, headers={"Accept-Language": "ru"}
    )
    doc = session.parse(response)
    assert doc.xpath("//label[@for='email']")[0].text_content() == "Электронная почта"
    assert (
        doc.xpath("//p[@id='email-error']")[0].text_content() == "Введите адрес электронной почты."
    )


def test_an_arabic_briefing_is_written_right_to_left_in_an_english_console(desk, briefing, editor):
    briefing_service.change_briefing(briefing, actor=editor, language="ar")
    doc = desk.page("/editor/briefings/war")
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
    assert doc.xpath("//h2[@id='updates-title']")[0].text_content() == "Published updates"
    for name in ("headline", "body"):
        field = doc.xpath(f"//form[@id='composer']//*[@name='{name}']")[0]
        assert (field.get("lang"), field.get("dir")) == ("ar", "rtl")
    preview = doc.xpath("//div[@data-preview-body]")[0]
    assert (preview.get("lang"), preview.get("dir")) == ("ar", "rtl")


def test_a_services_field_error_speaks_the_editors_language_and_the_api_stays_english(
    desk, client, briefing, editor, make_token
):
    user_service.set_user_language(editor, actor=editor, language="uk")
    too_long = {"body": "Text", "headline": "x" * 201}
    response = desk.submit(
        "/editor/briefings/war",
        too_long,
        form="//form[@id='composer']",
        button=("action", "publish"),
    )
    assert response.status_code == 422
    [error] = texts(parse(response), "//form[@id='composer']//p[@data-error-for='headline']")
    assert error == "Щонайбільше 200 символів (зараз 201)."
    # The same rule through the API, for the same person, in English.
    answer = client.post(
        "/api/v1/briefings/war/updates",
        json=too_long,
        headers={"Authorization": f"Bearer {make_token(editor)}", "Accept-Language": "uk"},
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [
        {"field": "headline", "message": "Must be at most 200 characters (got 201)."}
    ]


def test_an_error_page_of_the_console_is_translated(desk, editor):
    user_service.set_user_language(editor, actor=editor, language="uk")
    response = desk.get("/editor/language")  # a form's address: it only takes POST
    assert response.status_code == 405
    doc = parse(response)
    assert texts(doc, "//h1") == ["Метод не дозволено"]
    assert texts(doc, "//p[@class='error-page__detail']") == ["Ця адреса не приймає такого запиту."]
