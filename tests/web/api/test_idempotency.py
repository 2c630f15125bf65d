"""Idempotency-Key: a bot that retries a POST never double-posts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Briefing, IdempotencyKey, Source, Update

UPDATES = "/api/v1/briefings/war/updates"


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_repeating_a_key_replays_the_first_response_and_creates_nothing(api, briefing):
    payload = {"body": "Explosions heard", "sources": ["reuters"]}
    first = api.post(UPDATES, payload, headers={"Idempotency-Key": "bot-run-1"})
    assert first.status_code == 201
    again = api.post(UPDATES, payload, headers={"Idempotency-Key": "bot-run-1"})
    assert again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.mimetype == "application/json"
    assert count(Update) == 1


def test_replay_ignores_key_order_and_whitespace_of_the_same_body(api, briefing):
    headers = {"Idempotency-Key": "k"}
    first = api.post(
        UPDATES,
        data='{"body":"x","key_event":true}',
        headers=headers,
        content_type="application/json",
    )
    again = api.post(
        UPDATES,
        data='{ "key_event": true,\n "body": "x" }',
        headers=headers,
        content_type="application/json",
    )
    assert again.get_data() == first.get_data()
    assert count(Update) == 1


def test_same_key_with_a_different_body_is_422(api, briefing):
    api.post(UPDATES, {"body": "First"}, headers={"Idempotency-Key": "k1"})
    response = api.post(UPDATES, {"body": "Second"}, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(Update) == 1


def test_same_key_on_another_endpoint_is_422(api, briefing):
    assert api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": "k"}).status_code == 201
    response = api.post("/api/v1/briefings", {"title": "x"}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert count(Briefing) == 1


def test_keys_belong_to_their_user(api, api_as, make_user, briefing):
    other_editor = api_as(make_user())
    for client in (api, other_editor):
        response = client.post(UPDATES, {"body": "Same"}, headers={"Idempotency-Key": "shared"})
        assert response.status_code == 201
    assert count(Update) == 2


def test_a_refused_request_does_not_use_up_its_key(api, briefing):
    refused = api.post(
        UPDATES, {"body": "x", "sources": ["nope"]}, headers={"Idempotency-Key": "retry-me"}
    )
    assert refused.status_code == 422
    assert count(IdempotencyKey) == 0
    fixed = api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": "retry-me"})
    assert fixed.status_code == 201


def test_idempotent_creation_of_briefings_and_sources(api, api_as, admin):
    headers = {"Idempotency-Key": "once"}
    payload = {"title": "Once only"}
    first = api.post("/api/v1/briefings", payload, headers=headers)
    assert api.post("/api/v1/briefings", payload, headers=headers).get_data() == first.get_data()
    assert count(Briefing) == 1

    as_admin = api_as(admin)
    before = count(Source)
    source = {"slug": "once", "name": "Once", "url": "https://once.example/"}
    first = as_admin.post("/api/v1/sources", source, headers=headers)
    again = as_admin.post("/api/v1/sources", source, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_data() == first.get_data()
    assert count(Source) == before + 1


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_malformed_key_is_422(api, briefing, key):
    response = api.post(UPDATES, {"body": "x"}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(Update) == 0


@pytest.mark.parametrize("depth", [10, 500, 990])
def test_deeply_nested_body_with_a_key_is_refused_not_crashed(api, briefing, depth):
    data = '{"body": "x", "extra": ' + "[" * depth + "]" * depth + "}"
    response = api.post(
        UPDATES, data=data, content_type="application/json", headers={"Idempotency-Key": "deep"}
    )
    assert response.status_code in (400, 422)
    assert count(IdempotencyKey) == 0
