"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json.

Request bodies come from the same `RequestBody` objects that parse them, representations
from the schemas beside the functions that build them; the tests check every response the
API gives against this document, so it describes what the API really does.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, jsonify

from briefing.models.base import INTEGER_MAX
from briefing.web.api import bp
from briefing.web.api.briefings import BRIEFING_CHANGE, BRIEFING_CREATE
from briefing.web.api.input import RequestBody
from briefing.web.api.representations import (
    BRIEFING_SCHEMA,
    SLUG,
    SOURCE_SCHEMA,
    UPDATE_SCHEMA,
)
from briefing.web.api.sources import SOURCE_CREATE
from briefing.web.api.updates import UPDATE_CHANGE, UPDATE_CREATE
from briefing.web.errors import PROBLEM_JSON

PREFIX = "/api/v1"


@bp.get("/openapi.json")
def openapi_document() -> Response:
    response = jsonify(document())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref("schemas", schema)}}


def _list_of(schema: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("schemas", schema)},
            "next": {
                "type": ["string", "null"],
                "description": "Pass as ?cursor= to get the next page; null on the last page.",
            },
        },
        "required": ["items", "next"],
        "additionalProperties": False,
    }


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "errors": {
            "type": "array",
            "description": "Validation errors, one per field at fault.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
                "additionalProperties": False,
            },
        },
        "current_version": {
            "type": "integer",
            "description": "On a stale edit: the version the update is at now.",
        },
        "current": {
            **_ref("schemas", "Update"),
            "description": "On a stale edit: the update as it is now.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem(description: str, schema: str = "Problem", **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": _ref("schemas", schema)}},
        **extra,
    }


RESPONSES: dict[str, Any] = {
    "BadRequest": _problem("The body is not well-formed JSON, or not a JSON object."),
    "Unauthorized": _problem(
        "No bearer token, or one that is unknown or revoked.",
        headers={"WWW-Authenticate": {"schema": {"type": "string"}}},
    ),
    "Forbidden": _problem("The token's user has too low a role for this."),
    "NotFound": _problem("No such briefing, update or source."),
    "Conflict": _problem(
        "A stale version (with current_version and current), a request with the same "
        "Idempotency-Key still in progress, or a lost race with a simultaneous change."
    ),
    "TooLarge": _problem("The body is larger than 1 MiB."),
    "UnsupportedMediaType": _problem("The body is not application/json."),
    "Invalid": _problem(
        "A field is missing, unknown, read-only, of the wrong type or breaks a rule; "
        "`errors` names each field.",
        "ValidationProblem",
    ),
}

PARAMETERS: dict[str, Any] = {
    "slug": {"name": "slug", "in": "path", "required": True, "schema": SLUG},
    "update_id": {
        "name": "update_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": INTEGER_MAX},
    },
    "cursor": {
        "name": "cursor",
        "in": "query",
        "description": "The `next` of the previous page.",
        "schema": {"type": "string"},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": "How many items to return.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "description": "Repeating a key (per user) with the same body returns the first "
        "response again and creates nothing; with a different body it is refused (422).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
}

STATUSES = {
    "BadRequest": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "Conflict": "409",
    "TooLarge": "413",
    "UnsupportedMediaType": "415",
    "Invalid": "422",
}
READ_ERRORS = ("Unauthorized", "NotFound")
BODY_ERRORS = ("BadRequest", "Unauthorized", "Forbidden", "TooLarge", "UnsupportedMediaType")


def _operation(
    operation_id: str,
    summary: str,
    ok: dict[str, Any],
    errors: tuple[str, ...],
    *,
    body: dict[str, Any] | None = None,
    parameters: tuple[str, ...] = (),
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {**ok, **{STATUSES[e]: _ref("responses", e) for e in errors}},
    }
    if parameters:
        operation["parameters"] = [_ref("parameters", p) for p in parameters]
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": _json(schema)}}


def _creation(
    operation_id: str, summary: str, schema: str, body: RequestBody, *errors: str
) -> dict[str, Any]:
    """A POST that creates: 201 with Location, safe to retry with an Idempotency-Key."""
    created = {
        "description": f"The new {schema.lower()}.",
        "headers": {
            "Location": {
                "description": "The new resource's API URL.",
                "schema": {"type": "string", "format": "uri"},
            }
        },
        "content": _json(schema),
    }
    return _operation(
        operation_id,
        summary,
        {"201": created},
        (*BODY_ERRORS, "Conflict", "Invalid", *errors),
        body=body.schema(),
        parameters=("Idempotency-Key",),
    )


LIST_PARAMETERS = ("cursor", "limit")


@cache
def document() -> dict[str, Any]:
    slug = [_ref("parameters", "slug")]
    paths: dict[str, Any] = {
        "/briefings": {
            "get": _operation(
                "listBriefings",
                "Briefings, newest first (drafts only for editors).",
                _ok("A page of briefings.", "BriefingList"),
                ("Unauthorized", "Invalid"),
                parameters=LIST_PARAMETERS,
            ),
            "post": _creation(
                "createBriefing", "Create a briefing (editors).", "Briefing", BRIEFING_CREATE
            ),
        },
        "/briefings/{slug}": {
            "parameters": slug,
            "get": _operation(
                "getBriefing", "Read a briefing.", _ok("The briefing.", "Briefing"), READ_ERRORS
            ),
            "patch": _operation(
                "changeBriefing",
                "Change a briefing; go live, end or reopen it through `status` (editors).",
                _ok("The briefing as changed.", "Briefing"),
                (*BODY_ERRORS, "NotFound", "Invalid"),
                body=BRIEFING_CHANGE.schema(),
            ),
        },
        "/briefings/{slug}/updates": {
            "parameters": slug,
            "get": _operation(
                "listUpdates",
                "Updates of a briefing, newest first, drafts and retractions included "
                "(contributors see published updates and their own).",
                _ok("A page of updates.", "UpdateList"),
                (*READ_ERRORS, "Invalid"),
                parameters=LIST_PARAMETERS,
            ),
            "post": _creation(
                "createUpdate",
                "Publish an update (editors) or save a draft (status draft; contributors).",
                "Update",
                UPDATE_CREATE,
                "NotFound",
            ),
        },
        "/briefings/{slug}/updates/{update_id}": {
            "parameters": [*slug, _ref("parameters", "update_id")],
            "get": _operation(
                "getUpdate", "Read an update.", _ok("The update.", "Update"), READ_ERRORS
            ),
            "patch": _operation(
                "editUpdate",
                "Edit an update, naming the version the edit is based on.",
                _ok("The update as edited.", "Update"),
                (*BODY_ERRORS, "NotFound", "Conflict", "Invalid"),
                body=UPDATE_CHANGE.schema(),
            ),
            "delete": _operation(
                "retractUpdate",
                "Retract an update: readers and feeds stop showing it; its history stays.",
                {"204": {"description": "Retracted."}},
                ("Unauthorized", "Forbidden", "NotFound"),
            ),
        },
        "/sources": {
            "get": _operation(
                "listSources",
                "Every credited source (one page).",
                _ok("The sources.", "SourceList"),
                ("Unauthorized",),
            ),
            "post": _creation("createSource", "Add a source (admins).", "Source", SOURCE_CREATE),
        },
        "/sources/{slug}": {
            "parameters": slug,
            "get": _operation(
                "getSource", "Read a source.", _ok("The source.", "Source"), READ_ERRORS
            ),
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Briefing API",
            "version": "1",
            "description": "Live briefings, their updates and credited sources. Times are "
            "ISO 8601 with a UTC offset. Errors are application/problem+json (RFC 9457).",
        },
        "security": [{"bearer": []}],
        "paths": {PREFIX + path: item for path, item in paths.items()},
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token: Authorization: Bearer <token>.",
                }
            },
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "schemas": {
                "Briefing": BRIEFING_SCHEMA,
                "Update": UPDATE_SCHEMA,
                "Source": SOURCE_SCHEMA,
                "BriefingList": _list_of("Briefing"),
                "UpdateList": _list_of("Update"),
                "SourceList": _list_of("Source"),
                "Problem": PROBLEM_SCHEMA,
                "ValidationProblem": {
                    "allOf": [_ref("schemas", "Problem")],
                    "required": ["errors"],
                },
            },
        },
    }
