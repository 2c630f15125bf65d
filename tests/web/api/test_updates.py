"""/api/v1/briefings/<slug>/updates: list, create, read, edit, retract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import BriefingStatus, Revision, Role, Update, UpdateStatus
from briefing.services import briefings as briefing_service

UPDATES = "/api/v1/briefings/war/updates"
PAST, FAR = "2020-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"


def test_publishing_an_update_answers_201_with_every_field(api, briefing):
    response = api.post(
        UPDATES,
        {
            "headline": "Strike on power plant",
            "body": "A *plant* was hit near [Kyiv](https://example.com/kyiv).",
            "sources": ["reuters", "afp", "ap"],
            "key_event": True,
            "pinned": True,
            "published_at": "2026-11-20T12:30:00+02:00",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    item = db.session.get(Update, body["id"])
    assert response.headers["Location"] == f"http://localhost{UPDATES}/{item.id}"
    assert body["briefing"] == "war"
    assert body["headline"] == "Strike on power plant"
    assert body["body"] == "A *plant* was hit near [Kyiv](https://example.com/kyiv)."
    assert body["body_html"] == item.body_html
    assert body["body_html"].startswith("<p>A <em>plant</em> was hit near <a ")
    assert body["sources"] == ["reuters", "afp", "ap"]
    assert body["credit"] == "With reporting by Reuters, AFP and AP"
    assert body["key_event"] is True
    assert body["pinned"] is True
    assert body["status"] == "published"
    assert body["published_at"] == "2026-11-20T10:30:00+00:00"
    assert datetime.fromisoformat(body["updated_at"]).utcoffset() == timedelta(0)
    assert body["version"] == 1
    assert body["url"] == f"https://news.example.org/briefings/war/updates/{item.id}"
    assert api.get(response.headers["Location"]).get_json() == body


def test_a_minimal_update_is_published_now_without_credit(api, briefing):
    before = datetime.now(UTC).replace(microsecond=0)
    body = api.post(UPDATES, {"body": "Sirens in Kyiv."}).get_json()
    assert (body["headline"], body["sources"], body["credit"]) == ("", [], "")
    assert (body["key_event"], body["pinned"], body["status"]) == (False, False, "published")
    assert datetime.fromisoformat(body["published_at"]) >= before


def test_contributor_may_post_a_draft_and_read_it_back(api_as, contributor, briefing):
    as_contributor = api_as(contributor)
    response = as_contributor.post(UPDATES, {"body": "Draft text", "status": "draft"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["published_at"]) == ("draft", None)
    assert as_contributor.get(response.headers["Location"]).get_json() == body


def test_contributor_may_not_publish(api_as, contributor, briefing):
    response = api_as(contributor).post(UPDATES, {"body": "Straight to readers"})
    assert response.status_code == 403
    assert response.get_json()["detail"]
    assert db.session.scalar(select(db.func.count(Update.id))) == 0


def test_contributor_may_not_publish_their_draft(api_as, contributor, briefing):
    as_contributor = api_as(contributor)
    draft = as_contributor.post(UPDATES, {"body": "Draft", "status": "draft"}).get_json()
    response = as_contributor.patch(
        f"{UPDATES}/{draft['id']}", {"version": 1, "status": "published"}
    )
    assert response.status_code == 403


def test_editor_publishes_a_contributors_draft(api, api_as, contributor, briefing):
    draft = api_as(contributor).post(UPDATES, {"body": "Draft", "status": "draft"}).get_json()
    body = api.patch(f"{UPDATES}/{draft['id']}", {"version": 1, "status": "published"}).get_json()
    assert body["status"] == "published" and body["published_at"] is not None
    assert body["version"] == 2


def test_contributors_see_published_updates_and_their_own_drafts_only(
    api, api_as, contributor, make_user, briefing, make_update
):
    published = make_update(briefing, body="Public")
    others_draft = make_update(briefing, body="Not yours", status=UpdateStatus.DRAFT)
    as_contributor = api_as(contributor)
    own = as_contributor.post(UPDATES, {"body": "Mine", "status": "draft"}).get_json()

    listed = [u["id"] for u in as_contributor.get(UPDATES).get_json()["items"]]
    assert listed == [own["id"], published.id]
    assert as_contributor.get(f"{UPDATES}/{others_draft.id}").status_code == 404
    assert as_contributor.get(f"{UPDATES}/{published.id}").status_code == 200
    editor_sees = [u["id"] for u in api.get(UPDATES).get_json()["items"]]
    assert editor_sees == [own["id"], others_draft.id, published.id]
    other_contributor = api_as(make_user(Role.CONTRIBUTOR))
    assert other_contributor.get(f"{UPDATES}/{own['id']}").status_code == 404


def test_update_list_is_newest_first_in_pages(api, briefing, make_update):
    made = [make_update(briefing, body=f"Update {n}").id for n in range(5)]
    made.append(make_update(briefing, body="Retracted", status=UpdateStatus.DRAFT).id)
    first = api.get(f"{UPDATES}?limit=4").get_json()
    assert [u["id"] for u in first["items"]] == made[:-5:-1]
    second = api.get(f"{UPDATES}?limit=4&cursor={first['next']}").get_json()
    assert [u["id"] for u in second["items"]] == made[1::-1]
    assert second["next"] is None


def test_update_list_reads_a_fixed_number_of_queries(api, briefing, make_update, count_queries):
    for n in range(3):
        make_update(briefing, body=f"Update {n}", sources=["reuters", "afp"])
    api.get(UPDATES)  # the token's first use is recorded once
    with count_queries() as few:
        api.get(f"{UPDATES}?limit=50")
    for n in range(12):
        make_update(briefing, body=f"More {n}", sources=["ap"])
    with count_queries() as many:
        items = api.get(f"{UPDATES}?limit=50").get_json()["items"]
    assert len(items) == 15
    assert many.count == few.count, "\n".join(few.statements + ["----"] + many.statements)


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_a_published_update_is_retracted_not_sent_back(api, briefing, make_update, status):
    item = make_update(briefing, body="Out.")
    refused = api.patch(f"{UPDATES}/{item.id}", {"version": item.version, "status": status})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0] == {
        "field": "status",
        "message": "A published update cannot go back to a draft or be scheduled; retract it.",
    }


def test_updates_of_an_unknown_or_draft_briefing_are_404(api, api_as, contributor, make_briefing):
    assert api.get("/api/v1/briefings/nope/updates").status_code == 404
    assert api.post("/api/v1/briefings/nope/updates", {"body": "x"}).status_code == 404
    draft = make_briefing(title="Embargo", status=BriefingStatus.DRAFT)
    url = f"/api/v1/briefings/{draft.slug}/updates"
    assert api.get(url).status_code == 200
    as_contributor = api_as(contributor)
    assert as_contributor.get(url).status_code == 404
    assert as_contributor.post(url, {"body": "x", "status": "draft"}).status_code == 404


@pytest.mark.parametrize("update_id", ["999", "2147483647", "2147483648", "9" * 30, "0", "-1"])
def test_unknown_update_is_404_however_large_the_id(api, briefing, update_id):
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {"version": 1}} if method == "PATCH" else {}
        response = api.request(method, f"{UPDATES}/{update_id}", **kwargs)
        assert response.status_code == 404, method


def test_update_of_another_briefing_is_404(api, briefing, make_briefing, make_update):
    other = make_update(make_briefing(title="Elsewhere"))
    assert api.get(f"{UPDATES}/{other.id}").status_code == 404


def test_editing_applies_changes_and_keeps_the_old_text_as_a_revision(api, briefing, make_update):
    item = make_update(briefing, body="First text", sources=["reuters"])
    response = api.patch(
        f"{UPDATES}/{item.id}",
        {"version": 1, "body": "Second **text**", "headline": "Now", "sources": ["afp"]},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["body"], body["headline"], body["sources"]) == ("Second **text**", "Now", ["afp"])
    assert body["body_html"] == "<p>Second <strong>text</strong></p>"
    assert body["credit"] == "With reporting by AFP"
    assert body["version"] == 2
    revision = db.session.scalar(select(Revision).where(Revision.update_id == item.id))
    assert (revision.body, revision.source_slugs, revision.version) == (
        "First text",
        ["reuters"],
        1,
    )


def test_stale_edit_is_409_with_the_current_version_and_changes_nothing(api, briefing, make_update):
    item = make_update(briefing, body="First text")
    assert api.patch(f"{UPDATES}/{item.id}", {"version": 1, "body": "Second"}).status_code == 200
    response = api.patch(f"{UPDATES}/{item.id}", {"version": 1, "body": "Third"})
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["current_version"] == 2
    assert problem["current"]["body"] == "Second"
    assert problem["current"]["version"] == 2
    assert api.get(f"{UPDATES}/{item.id}").get_json()["body"] == "Second"


def test_edit_must_name_its_version(api, briefing, make_update):
    item = make_update(briefing)
    response = api.patch(f"{UPDATES}/{item.id}", {"body": "No version"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "version", "message": "This field is required."}
    ]


def test_pinning_through_an_edit_moves_the_pinned_slot(api, briefing, make_update):
    first = make_update(briefing, pinned=True)
    second = make_update(briefing)
    body = api.patch(f"{UPDATES}/{second.id}", {"version": 1, "pinned": True}).get_json()
    assert body["pinned"] is True
    assert api.get(f"{UPDATES}/{first.id}").get_json()["pinned"] is False


def test_retracting_answers_204_and_keeps_the_update_for_editors(api, briefing, make_update):
    item = make_update(briefing, body="Wrong")
    response = api.delete(f"{UPDATES}/{item.id}")
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"{UPDATES}/{item.id}").get_json()["status"] == "deleted"
    assert api.delete(f"{UPDATES}/{item.id}").status_code == 204


def test_a_retracted_update_cannot_be_edited(api, briefing, make_update):
    item = make_update(briefing)
    api.delete(f"{UPDATES}/{item.id}")
    response = api.patch(f"{UPDATES}/{item.id}", {"version": 1, "body": "Back"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "status"


def test_contributor_may_not_retract_a_published_update(api_as, contributor, briefing, make_update):
    item = make_update(briefing)
    assert api_as(contributor).delete(f"{UPDATES}/{item.id}").status_code == 403
    db.session.refresh(item)
    assert item.status == UpdateStatus.PUBLISHED


def test_contributor_may_retract_their_own_draft(api_as, contributor, briefing):
    as_contributor = api_as(contributor)
    draft = as_contributor.post(UPDATES, {"body": "Oops", "status": "draft"}).get_json()
    assert as_contributor.delete(f"{UPDATES}/{draft['id']}").status_code == 204


def test_unknown_source_slug_is_refused_on_sources(api, briefing):
    response = api.post(UPDATES, {"body": "x", "sources": ["reuters", "bogus-agency"]})
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "sources" and "bogus-agency" in error["message"]


def test_posting_to_an_ended_briefing_is_refused(api, briefing, editor):
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    response = api.post(UPDATES, {"body": "Too late"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "briefing"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 100_001}, "body"),
        ({"body": "x", "headline": "h" * 201}, "headline"),
        ({"body": "x", "status": "scheduled"}, "publish_at"),
        (
            {"body": "x", "status": "scheduled", "publish_at": "2020-01-01T00:00:00+00:00"},
            "publish_at",
        ),
        (
            {"body": "x", "status": "scheduled", "publish_at": "2999-01-01T00:00:00+00:00"},
            "publish_at",
        ),
        ({"body": "x", "status": "scheduled", "publish_at": "2999-01-01T00:00:00"}, "publish_at"),
        ({"body": "x", "publish_at": FAR}, "publish_at"),
        ({"body": "x", "status": "deleted"}, "status"),
        ({"body": "x", "published_at": "2999-01-01T00:00:00+00:00"}, "published_at"),
        ({"body": "x", "published_at": "1900-01-01T00:00:00+00:00"}, "published_at"),
        ({"body": "x", "sources": [f"s{n}" for n in range(21)]}, "sources"),
    ],
)
def test_update_breaking_a_rule_is_refused_naming_the_field(api, briefing, payload, field):
    response = api.post(UPDATES, payload)
    assert response.status_code == 422, response.get_json()
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_body_of_exactly_the_limit_is_accepted(api, briefing):
    response = api.post(UPDATES, {"body": "x" * 100_000, "headline": "h" * 200})
    assert response.status_code == 201


def test_an_edit_may_carry_a_public_correction_note(api, client, briefing, make_update):
    item = make_update(briefing, body="Ten people were hurt.")
    response = api.patch(
        f"{UPDATES}/{item.id}",
        {
            "version": 1,
            "body": "Twelve people were hurt.",
            "correction": "An earlier version gave the wrong number.",
        },
    )
    assert response.status_code == 200
    assert response.get_json()["correction"] == "An earlier version gave the wrong number."
    page = lxml.html.fromstring(client.get(f"/briefings/war/updates/{item.id}").data)
    (note,) = page.xpath("//p[@class='update__correction']")
    assert note.text_content() == "Correction: An earlier version gave the wrong number."


def test_a_new_update_cannot_carry_a_correction(api, briefing):
    response = api.post(UPDATES, {"body": "New.", "correction": "Nothing to correct."})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["correction"]
