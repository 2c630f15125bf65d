"""The console's series setting and its "Open the next edition" button: confirmation first,
editors only, CSRF-protected."""

from __future__ import annotations

from briefing.extensions import db
from briefing.models import BriefingStatus
from briefing.services import series as series_service
from briefing.services import timeline
from tests.web.editor.conftest import texts


def test_settings_put_a_briefing_in_a_series(desk, briefing, make_series):
    make_series(slug="ukraine")
    url = "/editor/briefings/war/settings"
    response = desk.submit(url, {"series": "ukraine"}, form="//form[.//select[@name='series']]")
    assert response.status_code == 302
    assert timeline.briefing_by_slug("war").series.slug == "ukraine"
    doc = desk.page(url)
    assert doc.xpath("//select[@name='series']/option[@selected]/@value") == ["ukraine"]
    assert doc.xpath("//a[contains(@href, '/next-edition')]")


def test_the_next_edition_button_asks_first_then_opens_the_next_edition(
    desk, make_series, make_briefing
):
    make_series(slug="ukraine")
    current = make_briefing(slug="day-1", series="ukraine", summary="- Talks resume")
    url = "/editor/briefings/day-1/next-edition"
    doc = desk.page(url)
    assert texts(doc, "//h1") == ["Open the next edition of Russia's Invasion of Ukraine?"]
    assert timeline.briefing_by_slug("day-1").status == BriefingStatus.LIVE, "GET changes nothing"
    response = desk.submit(
        url, {"title": "Day 2"}, form="//form[contains(@action, 'next-edition')]"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert current.status == BriefingStatus.ENDED
    (opened,) = [
        b
        for b in series_service.editions(series_service.series_by_slug("ukraine"))
        if b.id != current.id
    ]
    assert response.headers["Location"] == f"/editor/briefings/{opened.slug}"
    assert opened.title == "Day 2" and opened.summary == "- Talks resume"


def test_a_bad_title_is_shown_on_its_field(desk, make_series, make_briefing):
    make_series(slug="ukraine")
    make_briefing(slug="day-1", series="ukraine")
    url = "/editor/briefings/day-1/next-edition"
    response = desk.submit(
        url, {"title": "x" * 201}, form="//form[contains(@action, 'next-edition')]"
    )
    assert response.status_code == 422
    assert texts(desk.parse(response), "//*[contains(@class, 'field__error')]")


def test_contributors_cannot_open_editions_and_posts_need_a_csrf_token(
    newsroom, make_series, make_briefing, contributor, desk
):
    make_series(slug="ukraine")
    make_briefing(slug="day-1", series="ukraine")
    url = "/editor/briefings/day-1/next-edition"
    assert newsroom(contributor).get(url).status_code == 403
    assert desk.open(url, method="POST", data={"title": "x"}).status_code == 400
    assert timeline.briefing_by_slug("day-1").status == BriefingStatus.LIVE


def test_a_briefing_in_no_series_has_no_next_edition(desk, briefing):
    assert desk.get("/editor/briefings/war/next-edition").status_code == 422
    assert not desk.page("/editor/briefings/war/settings").xpath(
        "//a[contains(@href, '/next-edition')]"
    )
