"""The dashboard (briefings, creating one) and a briefing's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html

from briefing.models import BriefingStatus, UpdateStatus
from briefing.services import timeline
from briefing.services.briefings import change_briefing
from tests.web.editor.conftest import parse, texts

NEW = "//form[@id='new-briefing']"


def test_dashboard_lists_briefings_live_first_with_activity_and_drafts(
    newsroom, desk, editor, make_briefing, make_update, contributor
):
    ended = make_briefing(title="Ended story")
    change_briefing(ended, actor=editor, status=BriefingStatus.ENDED)
    live = make_briefing(title="Live story")
    make_briefing(title="Draft story", status=BriefingStatus.DRAFT)
    make_update(live, body="One.", published_at=datetime(2026, 11, 20, 10, 5, tzinfo=UTC))
    make_update(live, actor=contributor, status=UpdateStatus.DRAFT)
    make_update(live, actor=contributor, status=UpdateStatus.DRAFT)

    doc = desk.page("/editor/")
    rows = doc.xpath("//li[contains(@class,'briefing-row')]")
    assert texts(doc, "//span[@class='briefing-row__title']") == [
        "Live story", "Draft story", "Ended story"
    ]  # fmt: skip
    assert texts(rows[0], ".//span[contains(@class,'badge')]") == ["live"]
    assert texts(rows[0], ".//span[contains(@class,'pill--drafts')]") == ["2 drafts waiting"]
    assert not rows[0].xpath(".//span[contains(@class,'pill--scheduled')]")
    # Scheduled updates count too, with the time the next goes out.
    first_out = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    for later in (timedelta(hours=1), timedelta(0)):
        make_update(live, status=UpdateStatus.SCHEDULED, publish_at=first_out + later)
    row = desk.page("/editor/").xpath("//li[contains(@class,'briefing-row')]")[0]
    (pill,) = row.xpath(".//span[contains(@class,'pill--scheduled')]")
    assert " ".join(pill.text_content().split()).startswith("2 scheduled, the next at ")
    assert pill.xpath("time/@datetime") == [
        first_out.astimezone(ZoneInfo(live.timezone)).isoformat(timespec="seconds")
    ]
    meta = texts(rows[0], ".//span[@class='briefing-row__meta']")[0]
    assert "12:05 Kyiv time" in meta and "1 published" in meta
    assert "No updates yet" in texts(rows[1], ".//span[@class='briefing-row__meta']")[0]
    assert rows[0].xpath(".//a/@href") == [f"/editor/briefings/{live.slug}"]
    # Contributors see the briefings, but no form to create one.
    assert not newsroom(contributor).page("/editor/").xpath(NEW)


def test_creating_a_briefing_derives_the_slug_when_left_empty(desk, editor):
    doc = desk.page("/editor/")
    assert doc.xpath(f"{NEW}//select[@name='timezone']//option[@selected]/@value") == ["UTC"]
    response = desk.submit(
        "/editor/",
        {"title": "Storm Ciarán: live", "slug": "", "timezone": "Europe/London",
         "standfirst": "Gales overnight."},
        form=NEW,
    )  # fmt: skip
    assert response.headers["Location"] == "/editor/briefings/storm-ciaran-live"
    created = timeline.briefing_by_slug("storm-ciaran-live", public=False)
    assert (created.status, created.timezone, created.standfirst) == (
        BriefingStatus.DRAFT, "Europe/London", "Gales overnight."
    )  # fmt: skip
    # The next briefing's timezone defaults to the newsroom's latest.
    doc = desk.page("/editor/")
    assert doc.xpath(f"{NEW}//select[@name='timezone']//option[@selected]/@value") == [
        "Europe/London"
    ]


def test_creating_a_live_briefing_with_its_own_slug(desk, client):
    desk.submit("/editor/", {"title": "Vote", "slug": "vote-2026", "go_live": "y"}, form=NEW)
    assert client.get("/briefings/vote-2026").status_code == 200


def test_create_briefing_errors_are_shown_on_their_fields(desk, briefing):
    response = desk.submit(
        "/editor/", {"title": "", "slug": "Bad Slug", "timezone": "Mars/Olympus"}, form=NEW
    )
    assert response.status_code == 422
    doc = parse(response)
    assert texts(doc, f"{NEW}//p[@data-error-for='title']") == ["This field is required."]
    assert texts(doc, f"{NEW}//p[@data-error-for='slug']") == [
        "Use lowercase letters, digits and single hyphens only."
    ]
    assert texts(doc, f"{NEW}//p[@data-error-for='timezone']")[0].startswith("Unknown timezone")
    response = desk.submit("/editor/", {"title": "Again", "slug": "war"}, form=NEW)
    assert texts(parse(response), f"{NEW}//p[@data-error-for='slug']") == [
        "The slug 'war' is already in use."
    ]


SETTINGS = "/editor/briefings/war/settings"
SETTINGS_FORM = "//form[@action='/editor/briefings/war/settings']"


def test_settings_change_title_summary_and_timezone(desk, briefing, client):
    doc = desk.page(SETTINGS)
    assert doc.xpath(f"{SETTINGS_FORM}//input[@name='title']/@value") == ["War in Ukraine: live"]
    assert doc.xpath("//select[@name='timezone']//option[@selected]/@value") == ["Europe/Kyiv"]
    response = desk.submit(
        SETTINGS,
        {"title": "War in Ukraine", "summary": "- Kyiv under attack\n- Power cuts",
         "timezone": "Europe/Warsaw"},
        form=SETTINGS_FORM,
    )  # fmt: skip
    assert response.headers["Location"] == SETTINGS
    assert texts(desk.page(SETTINGS), "//div[@class='flashes']") == ["Settings saved."]
    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert texts(public, "//h1") == ["War in Ukraine"]
    assert texts(public, "//section[contains(@class,'summary-box')]//li") == [
        "Kyiv under attack", "Power cuts"
    ]  # fmt: skip
    assert timeline.briefing_by_slug("war").timezone == "Europe/Warsaw"


def test_settings_errors_and_summary_preview(desk, briefing):
    response = desk.submit(SETTINGS, {"title": "", "language": "not a tag"}, form=SETTINGS_FORM)
    assert response.status_code == 422
    doc = parse(response)
    assert texts(doc, "//p[@data-error-for='title']") == ["This field is required."]
    assert texts(doc, "//p[@data-error-for='language']")[0].startswith("Use a BCP 47")
    preview = desk.post(f"{SETTINGS}/preview", {"summary": "- **One**"}, json=True)
    assert preview.get_json()["html"] == "<ul>\n<li><strong>One</strong></li>\n</ul>"
    page = desk.submit(
        SETTINGS, {"summary": "*soon*"}, form=SETTINGS_FORM, button=("action", "preview")
    )
    assert parse(page).xpath("//div[@id='summary-preview']//em")[0].text == "soon"
    assert timeline.briefing_by_slug("war").summary == ""


def test_go_live_end_and_reopen(desk, make_briefing, client):
    draft = make_briefing(title="Coming up", slug="coming-up", status=BriefingStatus.DRAFT)
    url = f"/editor/briefings/{draft.slug}/settings"
    status_form = "//form[contains(@action,'/status')]"
    assert client.get("/briefings/coming-up").status_code == 404
    for label, status in (("Go live", "live"), ("End coverage", "ended"), ("Reopen", "live")):
        doc = desk.page(url)
        assert texts(doc, f"{status_form}//button") == [label]
        response = desk.submit(url, form=status_form)
        assert response.headers["Location"] == url
        assert timeline.briefing_by_slug("coming-up").status.value == status
    assert client.get("/briefings/coming-up").status_code == 200


def test_an_impossible_status_change_is_explained(desk, briefing):
    desk.post("/editor/briefings/war/status", {"status": "draft"})
    assert texts(desk.page(SETTINGS), "//div[@class='flashes']") == [
        "A briefing readers have seen cannot become a draft again."
    ]
    assert desk.post("/editor/briefings/war/status", {"status": "gone"}).status_code == 422
