"""/api/v1/series and a briefing's `series`: every response checked against the OpenAPI
document by the test client."""

from __future__ import annotations

import pytest

from briefing.services import series as series_service


def test_creating_a_series_answers_201_with_its_representation_and_location(api):
    response = api.post(
        "/api/v1/series",
        {"title": "Russia's Invasion of Ukraine", "description": "One briefing a day."},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (
        response.headers["Location"]
        == "http://localhost/api/v1/series/russia-s-invasion-of-ukraine"
    )
    assert body["slug"] == "russia-s-invasion-of-ukraine"
    assert body["description"] == "One briefing a day."
    assert body["url"] == "https://news.example.org/series/russia-s-invasion-of-ukraine"
    assert api.get(response.headers["Location"]).get_json() == body


def test_series_are_listed_newest_first_a_page_at_a_time(api, make_series):
    for n in range(3):
        make_series(slug=f"s{n}")
    first = api.get("/api/v1/series?limit=2").get_json()
    assert [s["slug"] for s in first["items"]] == ["s2", "s1"]
    rest = api.get(f"/api/v1/series?limit=2&cursor={first['next']}").get_json()
    assert [s["slug"] for s in rest["items"]] == ["s0"] and rest["next"] is None


def test_changing_a_series_moves_its_version(api, make_series):
    before = make_series(slug="ukraine").version
    body = api.patch("/api/v1/series/ukraine", {"title": "The war"}).get_json()
    assert body["title"] == "The war" and body["version"] > before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": 3}, "title"),
        ({"title": "x", "slug": "Not A Slug"}, "slug"),
        ({"title": "x", "version": 3}, "version"),
        ({"title": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_series_input_is_a_422_naming_the_field(api, payload, field):
    response = api.post("/api/v1/series", payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_contributors_may_not_create_or_change_series(api_as, contributor, make_series):
    make_series(slug="ukraine")
    as_contributor = api_as(contributor)
    assert as_contributor.post("/api/v1/series", {"title": "Mine"}).status_code == 403
    assert as_contributor.patch("/api/v1/series/ukraine", {"title": "Mine"}).status_code == 403
    assert as_contributor.get("/api/v1/series/ukraine").status_code == 200


def test_an_unknown_series_is_404(api):
    assert api.get("/api/v1/series/nope").status_code == 404
    assert api.patch("/api/v1/series/nope", {"title": "x"}).status_code == 404


def test_a_briefing_joins_and_leaves_a_series_through_its_series_field(api, make_series):
    make_series(slug="ukraine")
    body = api.post(
        "/api/v1/briefings", {"title": "Day 1", "series": "ukraine", "status": "live"}
    ).get_json()
    assert body["series"] == "ukraine"
    assert api.get(f"/api/v1/briefings/{body['slug']}").get_json()["series"] == "ukraine"
    left = api.patch(f"/api/v1/briefings/{body['slug']}", {"series": None}).get_json()
    assert left["series"] is None
    assert series_service.editions(series_service.series_by_slug("ukraine")) == []


@pytest.mark.parametrize(("value", "message"), [("nope", "No series 'nope'."), (3, None)])
def test_a_briefing_naming_an_unknown_series_is_refused(api, value, message):
    response = api.post("/api/v1/briefings", {"title": "Day 1", "series": value})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "series"
    if message:
        assert error["message"] == message


def test_a_repeated_idempotency_key_creates_one_series(api):
    headers = {"Idempotency-Key": "series-1"}
    first = api.post("/api/v1/series", {"title": "Daily"}, headers=headers)
    again = api.post("/api/v1/series", {"title": "Daily"}, headers=headers)
    assert first.get_json() == again.get_json() and again.status_code == 201
    assert len(api.get("/api/v1/series").get_json()["items"]) == 1
