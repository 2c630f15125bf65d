"""Bearer tokens: who may call the API, and what a refusal looks like."""

from __future__ import annotations

import pytest

from briefing.extensions import db
from briefing.models import ApiToken
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR


def assert_unauthorized(response, error=None):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 401 and body["title"] == "Unauthorized" and body["detail"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    if error:
        assert f'error="{error}"' in challenge
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Token brf_abc"],
)
def test_request_without_a_bearer_token_is_refused_with_a_challenge(api_as, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    assert_unauthorized(api_as(None).get("/api/v1/briefings", headers=headers))


def test_unknown_token_is_refused_as_invalid(api_as, briefing):
    response = api_as(None).get(
        "/api/v1/briefings/war", headers={"Authorization": "Bearer brf_not-a-real-token"}
    )
    assert_unauthorized(response, "invalid_token")


def test_revoked_token_is_refused(api_as, editor, make_token):
    token = make_token(editor)
    api = api_as(None)
    ok = api.get("/api/v1/sources", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    user_service.revoke_token(db.session.scalar(db.select(ApiToken)), actor=OPERATOR)
    refused = api.get("/api/v1/sources", headers={"Authorization": f"Bearer {token}"})
    assert_unauthorized(refused, "invalid_token")


def test_token_of_a_deactivated_user_is_refused(api_as, editor):
    api = api_as(editor)
    editor.active = False
    db.session.commit()
    assert_unauthorized(api.get("/api/v1/sources"), "invalid_token")


def test_writes_need_a_token_before_anything_else_is_looked_at(api_as):
    response = api_as(None).post("/api/v1/briefings", data="not json", content_type="text/plain")
    assert_unauthorized(response)


def test_scheme_name_is_case_insensitive(api_as, editor, make_token):
    token = make_token(editor)
    response = api_as(None).get("/api/v1/sources", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_a_used_token_records_when_it_was_last_used(api):
    assert api.get("/api/v1/sources").status_code == 200
    token = db.session.scalar(db.select(ApiToken))
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_authenticated_answers_are_never_cached(api, briefing):
    for url in ("/api/v1/briefings", "/api/v1/briefings/war", "/api/v1/briefings/nope"):
        assert api.get(url).headers["Cache-Control"] == "no-store"


def test_openapi_document_needs_no_token_and_may_be_cached(api_as):
    response = api_as(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"] == "3.1.0"
    assert "no-store" not in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]


def test_api_responses_carry_the_security_headers(api):
    response = api.get("/api/v1/sources")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
