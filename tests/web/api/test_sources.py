"""/api/v1/sources: the credited agencies."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDED_AGENCIES


def test_sources_list_every_seeded_agency_by_name(api):
    body = api.get("/api/v1/sources").get_json()
    assert body["next"] is None
    by_slug = {s["slug"]: s for s in body["items"]}
    assert set(by_slug) == SEEDED_AGENCIES
    assert by_slug["reuters"] == {
        "slug": "reuters",
        "name": "Reuters",
        "url": "https://www.reuters.com/",
    }
    names = [s["name"] for s in body["items"]]
    assert names == sorted(names)


def test_admin_adds_a_source_and_updates_may_credit_it(api_as, admin, api, briefing):
    response = api_as(admin).post(
        "/api/v1/sources",
        {
            "slug": "bbc-monitoring",
            "name": "BBC Monitoring",
            "url": "https://monitoring.bbc.co.uk/",
        },
    )
    assert response.status_code == 201
    assert response.get_json() == {
        "slug": "bbc-monitoring",
        "name": "BBC Monitoring",
        "url": "https://monitoring.bbc.co.uk/",
    }
    assert response.headers["Location"] == "http://localhost/api/v1/sources/bbc-monitoring"
    assert api.get(response.headers["Location"]).get_json() == response.get_json()
    update = api.post(
        "/api/v1/briefings/war/updates", {"body": "x", "sources": ["bbc-monitoring"]}
    ).get_json()
    assert update["credit"] == "With reporting by BBC Monitoring"


def test_editors_may_not_add_sources(api):
    response = api.post(
        "/api/v1/sources", {"slug": "mine", "name": "Mine", "url": "https://example.com/"}
    )
    assert response.status_code == 403
    assert api.get("/api/v1/sources/mine").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "url": "https://x.example/"}, "slug"),
        ({"slug": "x", "url": "https://x.example/"}, "name"),
        ({"slug": "x", "name": "X"}, "url"),
        ({"slug": "reuters", "name": "Again", "url": "https://x.example/"}, "slug"),
        ({"slug": "Bad Slug", "name": "X", "url": "https://x.example/"}, "slug"),
        ({"slug": "x", "name": "X", "url": "javascript:alert(1)"}, "url"),
        ({"slug": "x", "name": "X", "url": "ftp://x.example/"}, "url"),
        ({"slug": "x", "name": "X", "url": "https://x.example/\x01"}, "url"),
        ({"slug": "x", "name": "X", "url": "https://x.example/a b"}, "url"),
        ({"slug": "x", "name": "X", "url": "http://[::1"}, "url"),
        ({"slug": "x", "name": "X", "url": "https://x.example/" + "a" * 500}, "url"),
        ({"slug": "x", "name": "X", "url": 5}, "url"),
        ({"slug": "x", "name": "X", "url": "https://x.example/", "id": 3}, "id"),
    ],
)
def test_invalid_source_is_refused_naming_the_field(api_as, admin, payload, field):
    response = api_as(admin).post("/api/v1/sources", payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_unknown_source_is_404(api):
    assert api.get("/api/v1/sources/no-such-agency").status_code == 404
