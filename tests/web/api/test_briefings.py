"""/api/v1/briefings: list, create, read, change."""

from __future__ import annotations

from datetime import datetime

import pytest

from briefing.models import BriefingStatus, Role
from briefing.services import briefings as briefing_service


def test_creating_a_briefing_answers_201_with_its_representation_and_location(api):
    response = api.post(
        "/api/v1/briefings",
        {
            "title": "Election night",
            "standfirst": "Results as they come in.",
            "timezone": "Europe/London",
            "language": "en-GB",
            "summary": "* Polls close at **22:00**",
            "status": "live",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == "http://localhost/api/v1/briefings/election-night"
    assert body["slug"] == "election-night"
    assert body["title"] == "Election night"
    assert body["standfirst"] == "Results as they come in."
    assert body["summary"] == "* Polls close at **22:00**"
    assert body["status"] == "live"
    assert body["timezone"] == "Europe/London"
    assert body["language"] == "en-GB"
    assert datetime.fromisoformat(body["opened_at"]).utcoffset() is not None
    assert body["ended_at"] is None
    assert body["version"] == 1
    assert body["url"] == "https://news.example.org/briefings/election-night"
    assert api.get(response.headers["Location"]).get_json() == body


def test_a_new_briefing_is_a_draft_with_defaults_unless_told_otherwise(api):
    body = api.post("/api/v1/briefings", {"title": "Quiet", "slug": "quiet-day"}).get_json()
    assert (body["slug"], body["status"], body["timezone"], body["language"]) == (
        "quiet-day",
        "draft",
        "UTC",
        "en",
    )
    assert body["opened_at"] is None and body["standfirst"] == "" and body["summary"] == ""


def test_contributors_may_not_create_briefings(api_as, contributor):
    response = api_as(contributor).post("/api/v1/briefings", {"title": "Mine"})
    assert response.status_code == 403
    assert "contributor" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ok", "slug": "Not A Slug"}, "slug"),
        ({"title": "Ok", "timezone": "Mars/Olympus"}, "timezone"),
        ({"title": "Ok", "language": "english please"}, "language"),
        ({"title": "Ok", "status": "ended"}, "status"),
        ({"title": "Ok", "status": "archived"}, "status"),
    ],
)
def test_invalid_briefing_is_refused_naming_the_field(api, payload, field):
    response = api.post("/api/v1/briefings", payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": 5}, "title", "Must be a string."),
        ({"title": "Ok", "slug": None}, "slug", "Must be a string."),
        ({"title": "Ok", "status": "archived"}, "status", "Must be one of: draft, live, ended."),
        ({"title": "Ok", "status": True}, "status", "Must be one of: draft, live, ended."),
        (
            {"title": "Ok", "opened_at": "2026-11-20T10:30:00Z"},
            "opened_at",
            "This field is read-only.",
        ),
        ({"title": "Ok", "colour": "red"}, "colour", "Unknown field."),
    ],
)
def test_wrong_briefing_fields_are_named_with_a_clear_message(api, payload, field, message):
    response = api.post("/api/v1/briefings", payload)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": field, "message": message}]


def test_a_taken_slug_is_refused(api, briefing):
    response = api.post("/api/v1/briefings", {"title": "Again", "slug": "war"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "slug"


def test_reading_a_briefing_returns_every_field(api, briefing):
    body = api.get("/api/v1/briefings/war").get_json()
    assert body == {
        "slug": "war",
        "title": "War in Ukraine: live",
        "standfirst": "Live coverage as the storm makes landfall.",
        "summary": "",
        "status": "live",
        "timezone": "Europe/Kyiv",
        "language": "en",
        "opened_at": briefing.opened_at.isoformat(timespec="seconds"),
        "ended_at": None,
        "version": briefing.version,
        "url": "https://news.example.org/briefings/war",
        "lead_media": None,
        "series": None,
    }


def test_unknown_briefing_is_404(api):
    response = api.get("/api/v1/briefings/no-such-thing")
    assert response.status_code == 404
    assert "no-such-thing" in response.get_json()["detail"]


@pytest.mark.parametrize("slug", ["%00", "UPPER", "a%20b", "x" * 81, "%ff", "caf%C3%A9"])
def test_a_slug_that_cannot_exist_is_404(api, slug):
    assert api.get(f"/api/v1/briefings/{slug}").status_code == 404


def test_drafts_are_listed_and_read_by_editors_only(api, api_as, contributor, make_briefing):
    draft = make_briefing(title="Embargoed", status=BriefingStatus.DRAFT)
    live = make_briefing(title="Running")
    assert api.get(f"/api/v1/briefings/{draft.slug}").status_code == 200
    slugs = [b["slug"] for b in api.get("/api/v1/briefings").get_json()["items"]]
    assert slugs == [live.slug, draft.slug]

    as_contributor = api_as(contributor)
    assert as_contributor.get(f"/api/v1/briefings/{draft.slug}").status_code == 404
    slugs = [b["slug"] for b in as_contributor.get("/api/v1/briefings").get_json()["items"]]
    assert slugs == [live.slug]


def test_briefing_list_pages_with_a_cursor(api, make_briefing):
    made = [make_briefing(title=f"Story {n}").slug for n in range(5)]
    first = api.get("/api/v1/briefings?limit=2").get_json()
    assert [b["slug"] for b in first["items"]] == made[:-3:-1]
    second = api.get(f"/api/v1/briefings?limit=2&cursor={first['next']}").get_json()
    third = api.get(f"/api/v1/briefings?limit=2&cursor={second['next']}").get_json()
    seen = [b["slug"] for page in (first, second, third) for b in page["items"]]
    assert seen == made[::-1]
    assert third["next"] is None


def test_changing_a_briefing_applies_the_given_fields_only(api, briefing):
    version_before = briefing.version
    response = api.patch(
        "/api/v1/briefings/war",
        {"title": "War in Ukraine", "summary": "- Talks resume", "timezone": "UTC"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["summary"], body["timezone"]) == (
        "War in Ukraine",
        "- Talks resume",
        "UTC",
    )
    assert body["standfirst"] == "Live coverage as the storm makes landfall."
    assert body["version"] == version_before + 1


def test_ending_and_reopening_a_briefing_through_status(api, briefing):
    ended = api.patch("/api/v1/briefings/war", {"status": "ended"}).get_json()
    assert ended["status"] == "ended" and ended["ended_at"] is not None
    reopened = api.patch("/api/v1/briefings/war", {"status": "live"}).get_json()
    assert reopened["status"] == "live" and reopened["ended_at"] is None
    refused = api.patch("/api/v1/briefings/war", {"status": "draft"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {"field": "status", "message": "A briefing readers have seen cannot become a draft again."}
    ]


def test_a_draft_briefing_cannot_end_before_it_went_live(api, make_briefing):
    draft = make_briefing(title="Embargoed", status=BriefingStatus.DRAFT)
    refused = api.patch(f"/api/v1/briefings/{draft.slug}", {"status": "ended"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {"field": "status", "message": "A draft has to go live before its coverage can end."}
    ]


@pytest.mark.parametrize("field", ["slug", "version", "url", "opened_at", "ended_at"])
def test_read_only_briefing_fields_are_refused_by_name(api, briefing, field):
    response = api.patch("/api/v1/briefings/war", {field: "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": field, "message": "This field is read-only."}
    ]


def test_contributors_may_not_change_briefings(api_as, contributor, briefing):
    response = api_as(contributor).patch("/api/v1/briefings/war", {"title": "Mine now"})
    assert response.status_code == 403
    assert briefing_service.slug_taken("war")


def test_changing_an_unknown_briefing_is_404(api):
    assert api.patch("/api/v1/briefings/nope", {"title": "x"}).status_code == 404


def test_admins_may_do_what_editors_do(api_as, make_user):
    response = api_as(make_user(Role.ADMIN)).post("/api/v1/briefings", {"title": "By admin"})
    assert response.status_code == 201
