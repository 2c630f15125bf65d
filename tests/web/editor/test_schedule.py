"""Scheduling in the console, without JavaScript (plain forms) and with it (JSON), and the
newsroom's own change feed that keeps every open console in step."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from briefing.models import UpdateStatus
from briefing.services import newsroom as newsroom_reads
from briefing.services.schedule import promote_due
from tests.web.editor.conftest import texts

CONSOLE = "/editor/briefings/war"
COMPOSER = "//form[@id='composer']"
KYIV = ZoneInfo("Europe/Kyiv")  # the briefing fixture's time zone


def kyiv_tomorrow(hour: int = 9, minute: int = 30) -> datetime:
    day = datetime.now(KYIV).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KYIV)


def when_fields(moment: datetime) -> dict[str, str]:
    return {"publish_date": moment.date().isoformat(), "publish_time": moment.strftime("%H:%M")}


def test_the_composer_schedules_in_the_briefings_time_zone(desk, briefing):
    when = kyiv_tomorrow()
    doc = desk.page(CONSOLE)
    [legend] = texts(doc, f"{COMPOSER}//fieldset[@class='composer__schedule']/legend")
    assert "Kyiv time" in legend
    response = desk.submit(
        CONSOLE,
        {"body": "The report is out.", **when_fields(when)},
        form=COMPOSER,
        button=("action", "schedule"),
    )
    assert response.status_code == 302
    [item] = newsroom_reads.scheduled(briefing)
    assert item.publish_at == when
    doc = desk.page(CONSOLE)
    [flash] = texts(doc, "//div[@class='flashes']/p")
    assert flash.startswith("Scheduled for ") and "09:30 Kyiv time" in flash
    [listed] = doc.xpath("//ol[@id='console-scheduled']/li/article")
    assert "update--scheduled" in listed.get("class")
    assert listed.xpath(".//time[@data-publish-at]/@datetime") == [when.isoformat()]
    # The reschedule form starts at that time.
    form = doc.xpath("//ol[@id='console-scheduled']//form[@data-schedule-form]")[0]
    assert form.xpath(".//input[@name='publish_date']/@value") == [when.date().isoformat()]
    assert form.xpath(".//input[@name='publish_time']/@value") == ["09:30"]


def test_a_time_in_the_past_or_none_is_refused_beside_the_date_and_the_text_kept(desk, briefing):
    past = datetime.now(KYIV) - timedelta(hours=1)
    for fields in (when_fields(past), {}):
        response = desk.submit(
            CONSOLE,
            {"body": "Keep me.", **fields},
            form=COMPOSER,
            button=("action", "schedule"),
        )
        assert response.status_code == 422
        doc = desk.parse(response)
        [error] = texts(doc, f"{COMPOSER}//p[@data-error-for='publish_date']")
        assert error
        assert doc.xpath(f"{COMPOSER}//textarea[@name='body']")[0].text.strip() == "Keep me."
    assert newsroom_reads.scheduled(briefing) == []


def test_reschedule_cancel_and_publish_now(desk, briefing, make_update):
    item = make_update(briefing, status=UpdateStatus.SCHEDULED, publish_at=kyiv_tomorrow())
    later = kyiv_tomorrow(18, 0)
    base = f"{CONSOLE}/updates/{item.id}"
    answer = desk.post(f"{base}/schedule", {"version": "1", **when_fields(later)}, json=True)
    assert answer.status_code == 200, answer.get_json()
    assert "18:00 Kyiv time" in answer.get_json()["message"]
    assert newsroom_reads.scheduled(briefing)[0].publish_at == later

    yesterday = kyiv_tomorrow() - timedelta(days=2)
    past = desk.post(f"{base}/schedule", {"version": "2", **when_fields(yesterday)})
    assert past.status_code == 303  # back to the console, where the flash says why

    cancelled = desk.post(f"{base}/unschedule", {"version": "2"}, json=True)
    assert cancelled.status_code == 200
    assert [u.id for u in newsroom_reads.drafts(briefing)] == [item.id]
    assert newsroom_reads.scheduled(briefing) == []

    desk.post(f"{base}/schedule", {"version": "3", **when_fields(later)}, json=True)
    published = desk.post(f"{base}/publish", {"version": "4"}, json=True)
    assert published.get_json()["message"].startswith("Published.")
    assert newsroom_reads.scheduled(briefing) == []
    assert promote_due(later + timedelta(seconds=1)) == []


def test_contributors_have_no_schedule_controls_and_cannot_post_one(
    newsroom, contributor, briefing
):
    session = newsroom(contributor)
    doc = session.page(CONSOLE)
    assert doc.xpath("//fieldset[@class='composer__schedule']") == []
    assert doc.xpath("//ol[@id='console-scheduled']") == []
    response = session.post(
        f"{CONSOLE}/updates",
        {"action": "schedule", "body": "Mine, later.", **when_fields(kyiv_tomorrow())},
    )
    assert response.status_code == 403


def test_drafts_and_schedules_reach_the_newsroom_feed_and_not_the_readers(
    desk, newsroom, contributor, make_user, client, briefing, make_update
):
    head = briefing.version
    scheduled = make_update(briefing, status=UpdateStatus.SCHEDULED, publish_at=kyiv_tomorrow())
    own_draft = make_update(briefing, actor=contributor, status=UpdateStatus.DRAFT)

    changes = desk.get(f"{CONSOLE}/changes?since={head}").get_json()
    assert [(c["type"], c["id"], c["status"]) for c in changes["changes"]] == [
        ("draft", scheduled.id, "scheduled"),
        ("draft", own_draft.id, "draft"),
    ]
    assert 'class="update update--draft update--scheduled"' in changes["changes"][0]["html"]
    # A contributor hears of their own drafts only.
    theirs = newsroom(contributor).get(f"{CONSOLE}/changes?since={head}").get_json()
    assert [c["id"] for c in theirs["changes"]] == [own_draft.id]
    # Readers: nothing.
    assert client.get(f"/briefings/war/changes?since={head}").get_json()["changes"] == []
    # Signed out: no newsroom feed.
    assert newsroom(None).get(f"{CONSOLE}/changes").status_code == 302
