"""Scheduled updates through the API, and what readers see of them before and after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import lxml.html
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Change, ChangeKind, Role, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services.schedule import promote, promote_due

UPDATES = "/api/v1/briefings/war/updates"


def in_minutes(minutes: float) -> datetime:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).replace(microsecond=0)


def schedule(api, minutes: float = 10, **fields):
    when = in_minutes(minutes)
    payload = {"body": "Embargoed: the report is out.", "sources": ["reuters"], **fields}
    response = api.post(UPDATES, {**payload, "status": "scheduled", "publish_at": when.isoformat()})
    assert response.status_code == 201, response.get_json()
    return response.get_json(), when


def published_changes(update_id: int) -> list[Change]:
    return list(
        db.session.scalars(
            select(Change).where(
                Change.update_id == update_id, Change.kind == ChangeKind.UPDATE_PUBLISHED
            )
        )
    )


def test_an_editor_schedules_an_update_with_its_time(api, briefing):
    body, when = schedule(api)
    assert body["status"] == "scheduled"
    assert body["publish_at"] == when.isoformat()
    assert body["published_at"] is None
    assert api.get(f"{UPDATES}/{body['id']}").get_json() == body


def test_a_time_with_another_offset_is_kept_as_the_same_moment(api, briefing):
    when = in_minutes(30)
    kyiv = when.astimezone(datetime.now().astimezone().tzinfo).isoformat()
    response = api.post(UPDATES, {"body": "x", "status": "scheduled", "publish_at": kyiv})
    assert datetime.fromisoformat(response.get_json()["publish_at"]) == when


def test_contributors_may_not_schedule(api_as, contributor, briefing):
    as_contributor = api_as(contributor)
    response = as_contributor.post(
        UPDATES, {"body": "x", "status": "scheduled", "publish_at": in_minutes(5).isoformat()}
    )
    assert response.status_code == 403
    draft = as_contributor.post(UPDATES, {"body": "Draft", "status": "draft"}).get_json()
    response = as_contributor.patch(
        f"{UPDATES}/{draft['id']}",
        {"version": 1, "status": "scheduled", "publish_at": in_minutes(5).isoformat()},
    )
    assert response.status_code == 403


def test_a_scheduled_update_cannot_be_pinned(api, briefing):
    response = api.post(
        UPDATES,
        {
            "body": "x",
            "status": "scheduled",
            "publish_at": in_minutes(5).isoformat(),
            "pinned": True,
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["pinned"]


def test_reschedule_then_cancel_back_to_draft_then_schedule_again(api, briefing):
    body, _when = schedule(api)
    url = f"{UPDATES}/{body['id']}"
    later = in_minutes(60)
    moved = api.patch(url, {"version": 1, "publish_at": later.isoformat()}).get_json()
    assert (moved["status"], moved["publish_at"], moved["version"]) == (
        "scheduled",
        later.isoformat(),
        2,
    )
    past = api.patch(url, {"version": 2, "publish_at": "2020-01-01T00:00:00+00:00"})
    assert past.status_code == 422
    assert past.get_json()["errors"][0]["field"] == "publish_at"

    cancelled = api.patch(url, {"version": 2, "status": "draft"}).get_json()
    assert (cancelled["status"], cancelled["publish_at"]) == ("draft", None)
    again = api.patch(
        url, {"version": 3, "status": "scheduled", "publish_at": later.isoformat()}
    ).get_json()
    assert again["status"] == "scheduled"


def test_publish_now_publishes_at_once_and_the_scheduler_then_finds_nothing(api, briefing):
    body, when = schedule(api)
    now = api.patch(f"{UPDATES}/{body['id']}", {"version": 1, "status": "published"}).get_json()
    assert (now["status"], now["publish_at"]) == ("published", None)
    assert datetime.fromisoformat(now["published_at"]) < when
    assert promote_due(when + timedelta(seconds=1)) == []
    assert len(published_changes(body["id"])) == 1


def test_promotion_publishes_once_at_the_scheduled_time(api, briefing):
    body, when = schedule(api)
    assert promote_due(when - timedelta(seconds=1)) == []
    [item] = promote_due(when)
    assert item.id == body["id"]
    assert item.status == UpdateStatus.PUBLISHED
    assert item.published_at == when
    # A second scheduler, racing the first, finds it already out.
    assert promote(body["id"], now=when) is None
    assert len(published_changes(body["id"])) == 1
    read = api.get(f"{UPDATES}/{body['id']}").get_json()
    assert (read["status"], read["published_at"], read["version"]) == (
        "published",
        when.isoformat(),
        2,
    )


def test_an_update_due_in_an_ended_briefing_goes_back_to_the_drafts(api, briefing, editor):
    body, when = schedule(api)
    briefing_service.change_briefing(briefing, actor=editor, status=briefing.status.ENDED)
    [item] = promote_due(when)
    assert item.status == UpdateStatus.DRAFT
    assert published_changes(body["id"]) == []


def test_readers_never_see_a_scheduled_update_before_its_time(
    api, api_as, client, briefing, make_user, make_update
):
    make_update(briefing, body="Already public.")
    body, when = schedule(api, headline="Embargoed report")
    item_id = body["id"]
    head = client.get("/briefings/war/changes?since=0").get_json()["last_seq"]

    def reader_surfaces() -> dict[str, bool]:
        page = lxml.html.fromstring(client.get("/briefings/war").data)
        feeds = {
            name: feedparser.parse(client.get(f"/briefings/war/feed.{name}").data)
            for name in ("rss", "atom")
        }
        json_feed = client.get("/briefings/war/feed.json").get_json()
        site = feedparser.parse(client.get("/feed.atom").data)
        changes = client.get("/briefings/war/changes?since=0").get_json()["changes"]
        reader = api_as(make_user(Role.CONTRIBUTOR))
        listed = [u["id"] for u in reader.get(UPDATES).get_json()["items"]]
        return {
            "page": bool(page.xpath(f'//article[@id="update-{item_id}"]')),
            "permalink": client.get(f"/briefings/war/updates/{item_id}").status_code == 200,
            "rss": any("Embargoed" in e.title for e in feeds["rss"].entries),
            "atom": any("Embargoed" in e.title for e in feeds["atom"].entries),
            "json": any(i.get("title") == "Embargoed report" for i in json_feed["items"]),
            "site feed": any("Embargoed" in e.title for e in site.entries),
            "changes": any(c.get("id") == item_id for c in changes),
            "api read": reader.get(f"{UPDATES}/{item_id}").status_code == 200,
            "api list": item_id in listed,
        }

    before = reader_surfaces()
    assert not any(before.values()), before
    assert client.get(f"/briefings/war/updates/{item_id}").status_code == 404
    # The scheduling advanced the log, but a poller gets nothing of it.
    assert client.get(f"/briefings/war/changes?since={head - 1}").get_json()["changes"] == []

    promote_due(when)
    after = reader_surfaces()
    assert all(after.values()), after
    [change] = client.get(f"/briefings/war/changes?since={head}").get_json()["changes"]
    assert (change["type"], change["id"]) == ("update", item_id)
    # Read from the start, the log has it once: its scheduling stays out of the public events.
    everything = client.get("/briefings/war/changes?since=0").get_json()["changes"]
    assert [c["seq"] for c in everything if c.get("id") == item_id] == [change["seq"]]
