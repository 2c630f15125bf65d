"""Languages on the reader side (SPEC §14): a briefing's pages speak its language when it
is shipped (English otherwise) while `lang` and `dir` always follow it; times are written
the language's way; the feeds carry the language; the stylesheets mirror for right-to-left."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import lxml.html
import pytest
from flask_babel import force_locale
from lxml import etree

from briefing import PROJECT_ROOT
from briefing.rendering.languages import text_direction
from briefing.services import briefings as briefing_service
from briefing.web.i18n import linked_credit, reader_locale, reader_time


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.data)


def set_language(briefing, editor, language):
    briefing_service.change_briefing(briefing, actor=editor, language=language)


@pytest.mark.parametrize(
    ("tag", "direction"),
    [
        ("ar", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("fa-AF", "rtl"), ("prs", "rtl"),
        ("he", "rtl"), ("ur", "rtl"), ("ps", "rtl"), ("dv", "rtl"), ("ku-Arab", "rtl"),
        ("ckb", "rtl"), ("sd", "rtl"), ("ug", "rtl"), ("yi", "rtl"),
        ("en", "ltr"), ("en-GB", "ltr"), ("uk", "ltr"), ("ru", "ltr"), ("ku", "ltr"),
        ("sd-Deva", "ltr"), ("zz", "ltr"),
    ],
)  # fmt: skip
def test_text_direction_follows_the_language_tag(tag, direction):
    assert text_direction(tag) == direction


@pytest.mark.parametrize(
    ("language", "locale"),
    [("en", "en"), ("uk", "uk"), ("uk-UA", "uk"), ("ru", "ru"), ("ar", "ar"), ("ar-EG", "ar"),
     ("fa", "en"), ("de", "en"), ("zz", "en")],
)  # fmt: skip
def test_a_briefing_speaks_its_language_when_it_is_shipped(language, locale):
    assert reader_locale(language) == locale


# Words each shipped language writes on a live page: badge, the stream's title, key events.
PAGE_WORDS = {
    "en": ("Live", "Latest updates", "Key events"),
    "uk": ("Наживо", "Останні оновлення", "Ключові події"),
    "ru": ("Онлайн", "Последние обновления", "Ключевые события"),
    "ar": ("مباشر", "آخر التحديثات", "الأحداث الرئيسية"),
}


@pytest.mark.parametrize("language", sorted(PAGE_WORDS))
def test_the_live_page_is_written_in_the_briefings_language(
    client, briefing, editor, make_update, language
):
    set_language(briefing, editor, language)
    make_update(briefing, body="Text.", key_event=True)
    doc = page(client, "/briefings/war")
    root = doc.getroottree().getroot()
    assert root.get("lang") == language
    assert root.get("dir") == ("rtl" if language == "ar" else "ltr")
    badge, heading, key_events = PAGE_WORDS[language]
    assert (
        doc.xpath("//p[@class='briefing__status']/span[contains(@class, 'badge')]")[0].text == badge
    )
    assert doc.xpath("//h2[@class='stream-controls__title']")[0].text_content() == heading
    assert doc.xpath("//h2[@id='key-events-title']")[0].text_content() == key_events
    # The scripts' words come with the page, in the same language, as data (CSP: no
    # inline script runs).
    messages = json.loads(doc.xpath("//script[@id='i18n']")[0].text)
    assert messages["locale"] == language
    assert (
        messages["ended"]
        == {"en": "Ended", "uk": "Завершено", "ru": "Завершено", "ar": "انتهى"}[language]
    )


def test_an_unshipped_language_keeps_lang_and_dir_with_an_english_interface(
    client, briefing, editor, make_update
):
    set_language(briefing, editor, "fa-AF")
    make_update(briefing, body="متن به فارسی.")
    doc = page(client, "/briefings/war")
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("fa-AF", "rtl")
    assert doc.xpath("//h2[@class='stream-controls__title']")[0].text_content() == "Latest updates"
    body = doc.xpath("//div[contains(@class, 'update__body')]")[0]
    assert (body.get("lang"), body.get("dir")) == ("fa-AF", "rtl")


def test_plural_forms_for_the_script_follow_the_languages_categories(client, briefing, editor):
    set_language(briefing, editor, "ar")
    doc = page(client, "/briefings/war")
    forms = json.loads(doc.xpath("//script[@id='i18n']")[0].text)["newUpdates"]
    # Arabic has six: the browser's Intl.PluralRules picks one by the same names.
    assert set(forms) == {"zero", "one", "two", "few", "many", "other"}
    assert forms["few"] == "{count} تحديثات جديدة"
    set_language(briefing, editor, "uk")
    doc = page(client, "/briefings/war")
    forms = json.loads(doc.xpath("//script[@id='i18n']")[0].text)["newUpdates"]
    assert (forms["one"], forms["few"], forms["many"]) == (
        "{count} нове оновлення",
        "{count} нові оновлення",
        "{count} нових оновлень",
    )


def test_the_page_cache_keeps_one_copy_per_language(client, briefing, editor, make_update):
    make_update(briefing, body="Text.")
    assert "Latest updates" in client.get("/briefings/war").get_data(as_text=True)
    set_language(briefing, editor, "uk")
    assert "Останні оновлення" in client.get("/briefings/war").get_data(as_text=True)
    permalink = client.get("/briefings/war/updates/1")
    assert permalink.status_code == 200
    assert 'lang="uk"' in permalink.get_data(as_text=True)


def test_index_cards_carry_each_briefings_language(client, make_briefing):
    make_briefing(title="الحرب في أوكرانيا", slug="ar-war", language="ar")
    doc = page(client, "/")
    title = doc.xpath("//span[@class='briefing-card__title']")[0]
    assert (title.get("lang"), title.get("dir")) == ("ar", "rtl")


KYIV_NOON = datetime(2026, 11, 20, 10, 32, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "today", "earlier"),
    [
        ("en", "12:32 Kyiv time", "20 Nov, 12:32 Kyiv time"),
        ("uk", "12:32 (Київ)", "20 лист., 12:32 (Київ)"),
        ("ru", "12:32 (Киев)", "20 нояб., 12:32 (Киев)"),
        ("ar", "12:32 بتوقيت كييف", "20 نوفمبر، 12:32 بتوقيت كييف"),
    ],
)
def test_reader_times_are_written_the_languages_way(app, monkeypatch, locale, today, earlier):
    import briefing.web.i18n as i18n

    with app.test_request_context(), force_locale(locale):
        monkeypatch.setattr(i18n, "utcnow", lambda: KYIV_NOON + timedelta(hours=1))
        assert reader_time(KYIV_NOON, "Europe/Kyiv") == today
        monkeypatch.setattr(i18n, "utcnow", lambda: KYIV_NOON + timedelta(days=3))
        assert reader_time(KYIV_NOON, "Europe/Kyiv") == earlier


def test_the_page_credit_links_each_agency_and_escapes_what_it_is_given(app):
    with app.test_request_context():
        markup = linked_credit(
            [
                ("AFP", "https://www.afp.com/"),
                ('<b>"Wire"</b> & Co', "https://wire.example/?a=1&b=2"),
            ]
        )
        with force_locale("uk"):
            ukrainian = str(linked_credit([("AFP", "https://afp"), ("AP", "https://ap")]))
    paragraph = lxml.html.fragment_fromstring(str(markup), create_parent="p")
    assert paragraph.text_content() == 'Reporting in this briefing by AFP and <b>"Wire"</b> & Co.'
    links = [(a.text, a.get("href"), a.get("rel")) for a in paragraph.iter("a")]
    assert links == [
        ("AFP", "https://www.afp.com/", "noopener"),
        ('<b>"Wire"</b> & Co', "https://wire.example/?a=1&b=2", "noopener"),
    ]
    assert paragraph.find(".//b") is None
    # Names are isolated from the text around them (a Latin name inside Arabic keeps its
    # order), and listed the language's way.
    assert [bdi.text_content() for bdi in paragraph.iter("bdi")] == ["AFP", '<b>"Wire"</b> & Co']
    text = lxml.html.fragment_fromstring(ukrainian, create_parent="p").text_content()
    assert text == "У цій трансляції використано матеріали AFP і AP."


def test_mixed_direction_text_is_isolated(client, briefing, editor, make_update):
    set_language(briefing, editor, "ar")
    make_update(
        briefing, headline="زيلينسكي يلتقي Biden", body="قال 42 مسؤولًا.", sources=["reuters"]
    )
    doc = page(client, "/briefings/war")
    article = doc.xpath("//article")[0]
    assert article.xpath(".//p[@class='update__credit']")[0].text_content() == "بمساهمة Reuters"
    assert article.xpath(".//p[@class='update__byline']/bdi")
    assert doc.xpath("//p[@class='credits']//bdi/a")[0].text == "Reuters"


def test_feeds_carry_the_briefings_language(client, briefing, editor, make_update):
    set_language(briefing, editor, "ar")
    make_update(briefing, body="نص.")
    atom = etree.fromstring(client.get("/briefings/war/feed.atom").data)
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    rss = feedparser.parse(client.get("/briefings/war/feed.rss").data)
    assert rss.feed.language == "ar"
    assert client.get("/briefings/war/feed.json").get_json()["language"] == "ar"


def test_the_stylesheets_mirror_with_logical_properties():
    """Right-to-left pages mirror only if nothing is pinned to a physical side."""
    physical = re.compile(
        r"(?<![\w-])(?:(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)"
        r"|(?:left|right)\s*:|float\s*:\s*(?:left|right)|clear\s*:\s*(?:left|right)"
        r"|text-align\s*:\s*(?:left|right)|border-(?:top|bottom)-(?:left|right)-radius)"
    )
    found = []
    for sheet in sorted((PROJECT_ROOT / "static" / "css").glob("*.css")):
        for number, line in enumerate(sheet.read_text().splitlines(), 1):
            if physical.search(line.split("/*")[0]):
                found.append(f"{sheet.name}:{number}: {line.strip()}")
    assert found == []


def test_live_changes_carry_updates_in_the_briefings_language(
    client, briefing, editor, make_update
):
    set_language(briefing, editor, "ar")
    make_update(briefing, body="نص.", key_event=True)
    changes = client.get("/briefings/war/changes?since=0").get_json()["changes"]
    html = next(change["html"] for change in changes if change["type"] == "update")
    article = lxml.html.fragment_fromstring(html)
    assert article.xpath(".//span[contains(@class, 'tag--key')]")[0].text == "حدث رئيسي"
    assert article.xpath(".//div[contains(@class, 'update__body')]")[0].get("dir") == "rtl"


def test_the_api_speaks_english_whatever_the_browser_asks(client, briefing, editor, make_token):
    set_language(briefing, editor, "uk")
    headers = {"Accept-Language": "uk, ar"}
    assert (
        client.get("/api/v1/briefings/war", headers=headers).get_json()["title"] == "Unauthorized"
    )
    headers["Authorization"] = f"Bearer {make_token(editor)}"
    response = client.get("/api/v1/briefings/nope", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["title"] == "Not found"
