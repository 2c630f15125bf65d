"""The OpenAPI document as served: valid OpenAPI 3.1, complete, and in step with the API.

Every response in these API tests is also checked against it (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.web.api.test_input import WRONG_TYPES

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_document_is_valid_openapi_3_1(openapi):
    assert openapi.doc["openapi"] == "3.1.0"
    validate(openapi.doc)


def test_document_lists_exactly_the_routes_the_api_serves(app, openapi):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in rule.methods - IGNORED_METHODS}
    documented = {
        (path, method)
        for path, item in openapi.doc["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented == served


def test_every_operation_but_the_document_needs_a_bearer_token(openapi):
    assert openapi.doc["security"] == [{"bearer": []}]
    assert openapi.doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: Authorization: Bearer <token>.",
    }
    for path, item in openapi.doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            if path == "/api/v1/openapi.json":
                assert operation["security"] == []
            else:
                assert "401" in operation["responses"], (path, method)


def test_request_bodies_refuse_unknown_properties(openapi):
    for item in openapi.doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                # JSON bodies, and the multipart form of a photo upload.
                for content in operation["requestBody"]["content"].values():
                    schema = content["schema"]
                    if "$ref" in schema:
                        schema = openapi.at(schema["$ref"].removeprefix("#"))
                    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(("payload", "field", "message"), WRONG_TYPES)
def test_document_refuses_what_the_api_refuses_for_its_type(openapi, payload, field, message):
    schema = openapi.request_body("/api/v1/briefings/{slug}/updates", "post")
    assert not schema.is_valid(payload)


@pytest.mark.parametrize(
    ("template", "method", "payload"),
    [
        ("/api/v1/briefings/{slug}/updates", "post", {"body": "x"}),
        (
            "/api/v1/briefings/{slug}/updates",
            "post",
            {
                "headline": "h",
                "body": "b",
                "sources": ["reuters"],
                "key_event": True,
                "pinned": False,
                "status": "draft",
                "published_at": "2026-11-20T10:30:00+02:00",
            },
        ),
        ("/api/v1/briefings/{slug}/updates/{update_id}", "patch", {"version": 3, "body": "b"}),
        ("/api/v1/briefings", "post", {"title": "t", "slug": "s", "status": "live"}),
        ("/api/v1/briefings/{slug}", "patch", {"summary": "s", "status": "ended"}),
        ("/api/v1/sources", "post", {"slug": "s", "name": "n", "url": "https://s.example/"}),
    ],
)
def test_document_accepts_what_the_api_accepts(openapi, template, method, payload):
    openapi.request_body(template, method).validate(payload)


@pytest.mark.parametrize(
    ("template", "method", "payload"),
    [
        ("/api/v1/briefings/{slug}/updates", "post", {}),
        ("/api/v1/briefings/{slug}/updates", "post", {"body": "x", "version": 1}),
        ("/api/v1/briefings/{slug}/updates/{update_id}", "patch", {"body": "b"}),
        ("/api/v1/briefings/{slug}/updates/{update_id}", "patch", {"version": True}),
        ("/api/v1/briefings", "post", {"slug": "s"}),
        ("/api/v1/briefings/{slug}", "patch", {"slug": "renamed"}),
        ("/api/v1/sources", "post", {"slug": "s", "name": "n"}),
    ],
)
def test_document_refuses_missing_and_read_only_fields(openapi, template, method, payload):
    assert not openapi.request_body(template, method).is_valid(payload)


def test_every_operation_has_its_own_id_and_a_summary(openapi):
    operations = [
        operation
        for item in openapi.doc["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(set(ids)) == len(ids)
    assert all(operation["summary"].endswith(".") for operation in operations)
