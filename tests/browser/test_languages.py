"""Right-to-left and translated pages in a real browser (SPEC §14): an Arabic briefing
mirrors (the sidebar moves to the left, text starts at the right), Latin names and numbers
inside Arabic keep their order, and the scripts speak the page's language with its plural
forms. Screenshots at phone and desktop widths land in SHOTS to be looked at."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from briefing.extensions import db
from briefing.models import BriefingStatus, Role
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from briefing.services import users as user_service
from tests.browser.conftest import SHOTS, LiveServer, log_in

pytestmark = pytest.mark.browser

ARABIC = {
    "title": "الحرب في أوكرانيا: تغطية مباشرة",
    "standfirst": "آخر التطورات لحظة بلحظة من كييف وخاركيف وموسكو.",
    "summary": "- زيلينسكي يلتقي Emmanuel Macron في باريس\n- انقطاع الكهرباء عن 120,000 منزل",
    "updates": [
        ("مسيّرات فوق كييف", "أعلن سلاح الجو اعتراض 42 مسيّرة من طراز Shahed-136 خلال الليل."),
        ("", "قال المتحدث باسم الكرملين Dmitry Peskov إن المحادثات «غير ممكنة الآن»."),
        ("زيلينسكي في باريس", "وصل الرئيس Volodymyr Zelensky إلى قصر الإليزيه عند 14:30."),
    ],
}
UKRAINIAN = {
    "title": "Війна в Україні: пряма трансляція",
    "standfirst": "Головні події дня з Києва, Харкова та фронту.",
    "summary": "- Повітряна тривога в Києві\n- 120 тисяч будинків без світла",
    "updates": [
        ("Атака дронів на Київ", "Сили ППО збили 42 дрони типу Shahed-136 за ніч."),
        ("", "Прессекретар Кремля Дмитро Пєсков заявив, що переговори «зараз неможливі»."),
    ],
}


def seed(live_server: LiveServer, email: str, slug: str, language: str, story: dict) -> str:
    with live_server.app.app_context():
        author = user_service.user_by_email_or_404(email)
        briefing = briefing_service.create_briefing(
            actor=author,
            title=story["title"],
            slug=slug,
            standfirst=story["standfirst"],
            timezone="Europe/Kyiv",
            status=BriefingStatus.LIVE,
        )
        briefing_service.change_briefing(
            briefing, actor=author, language=language, summary=story["summary"]
        )
        for number, (headline, body) in enumerate(story["updates"]):
            update_service.create_update(
                briefing,
                actor=author,
                headline=headline,
                body=body,
                sources=["reuters", "afp"] if number == 0 else ["ap"],
                key_event=number != 1,
            )
        db.session.remove()
    return f"/briefings/{slug}"


def test_an_arabic_briefing_mirrors_and_speaks_arabic(
    live_server: LiveServer,
    make_account: Callable[[Role], str],
    new_context: Callable[..., BrowserContext],
):
    path = seed(live_server, make_account(Role.EDITOR), "ar-live", "ar", ARABIC)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(path)
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        expect(html).to_have_attribute("lang", "ar")
        expect(page.locator(".stream-controls__title")).to_have_text("آخر التحديثات")
        # The scripts' words: "just now" beside the newest update, in Arabic.
        expect(page.locator(".update__ago").first).to_have_text("الآن")
        # Text starts at the right edge of its column.
        body = page.locator(".update__body").first
        assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
        if width == 1280:
            aside = page.locator(".briefing__aside").bounding_box()
            stream = page.locator(".briefing__stream").bounding_box()
            assert aside and stream and aside["x"] < stream["x"], "the sidebar mirrors to the left"
        page.screenshot(path=str(SHOTS / f"arabic-{width}.png"), full_page=True)
    # The scripts' plural forms are Arabic's six, chosen by the browser's Intl.PluralRules.
    words = page.evaluate(
        """async () => {
            const i18n = await import("/static/js/i18n.js");
            return [1, 2, 3, 11, 100].map((n) => i18n.plural("newUpdates", n));
        }"""
    )
    assert words == [
        "تحديث جديد واحد",
        "تحديثان جديدان",
        "3 تحديثات جديدة",
        "11 تحديثًا جديدًا",
        "100 تحديث جديد",
    ]


def test_a_ukrainian_briefing_speaks_ukrainian(
    live_server: LiveServer,
    make_account: Callable[[Role], str],
    new_context: Callable[..., BrowserContext],
):
    path = seed(live_server, make_account(Role.EDITOR), "uk-live", "uk", UKRAINIAN)
    for width in (1280, 390):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator(".stream-controls__title")).to_have_text("Останні оновлення")
        expect(page.locator(".update__ago").first).to_have_text("щойно")
        page.screenshot(path=str(SHOTS / f"ukrainian-{width}.png"), full_page=True)
    words = page.evaluate(
        """async () => {
            const i18n = await import("/static/js/i18n.js");
            const counts = [1, 3, 5, 21].map((n) => i18n.plural("newUpdates", n));
            return counts.concat([i18n.ago(5, "minute")]);
        }"""
    )
    assert words == [
        "1 нове оновлення",
        "3 нові оновлення",
        "5 нових оновлень",
        "21 нове оновлення",
        "5 хвилин тому",
    ]


def test_an_arabic_console_writes_an_english_briefing_left_to_right(
    live_server: LiveServer,
    make_account: Callable[[Role], str],
    new_context: Callable[..., BrowserContext],
):
    email = make_account(Role.EDITOR)
    path = seed(live_server, email, "uk-desk", "uk", UKRAINIAN)
    slug = path.rsplit("/", 1)[-1]
    # The browser asks for Arabic: the console speaks it, right to left.
    for width in (1280, 390):
        context = new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, email)
        context.set_extra_http_headers({"Accept-Language": "ar, en;q=0.5"})
        page.goto(f"/editor/briefings/{slug}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#updates-title")).to_have_text("التحديثات المنشورة")
        # The briefing's own words stay Ukrainian, left to right.
        body = page.locator("#composer textarea[name='body']")
        expect(body).to_have_attribute("lang", "uk")
        assert body.evaluate("el => getComputedStyle(el).direction") == "ltr"
        body.fill("Тестовий текст оновлення.")
        page.screenshot(path=str(SHOTS / f"console-arabic-{width}.png"), full_page=True)
