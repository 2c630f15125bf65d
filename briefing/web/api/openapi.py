"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json.

Nothing in it is written twice. The paths and methods are the app's routes; each view says
what it answers, reads and is about with `@documented` and its docstring; request bodies and
representations are the pydantic models that parse and shape them; the error responses
follow from what an operation does (a token, a path parameter, a body, a write). The tests
check every response the API gives against this document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, current_app, jsonify
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, NoDefault, models_json_schema
from pydantic_core import core_schema
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from werkzeug.routing import Rule

from briefing.models.base import INTEGER_MAX
from briefing.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    StoreUnavailable,
    Unreadable,
)
from briefing.services.idempotency import KEY_MAX
from briefing.web.api import bp
from briefing.web.api.auth import OPEN_ENDPOINTS
from briefing.web.api.input import ABSENT, Query, RequestBody
from briefing.web.api.representations import Slug, Update
from briefing.web.errors import PROBLEM_JSON, STATUS_BY_ERROR

F = TypeVar("F", bound=Callable[..., Any])
MULTIPART = "multipart/form-data"
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    """What a view answers and reads, beyond what its route and method say."""

    answer: Any  # a representation model, or any type pydantic can describe
    body: type[RequestBody] | None
    query: type[Query] | None
    upload: type[BaseModel] | None = None  # a multipart/form-data body
    errors: tuple[str, ...] = ()  # beyond those that follow from the above


OPERATIONS: dict[Callable[..., Any], Operation] = {}


def documented(
    answer: Any = None,
    *,
    body: type[RequestBody] | None = None,
    query: type[Query] | None = None,
    upload: type[BaseModel] | None = None,
    errors: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Declares a view's operation; its docstring is the summary."""

    # The document has one 400 response per operation: a bad body's or a bad query's.
    assert body is None or query is None, "an operation reads a body or a query, not both"

    def mark(view: F) -> F:
        OPERATIONS[view] = Operation(answer, body, query, upload, errors)
        return view

    return mark


@bp.get("/openapi.json")
@documented(dict[str, Any])
def get_open_api_document() -> Response:
    """This document."""
    response = jsonify(document())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


# Problems: the shape of web/errors.py's problem documents ------------------------------------


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str = Field(description="What went wrong, for people.")
    errors: list[FieldProblem] = Field(
        ABSENT, description="Validation errors, one per field at fault."
    )
    current_version: int = Field(
        ABSENT, description="On a stale edit: the version the update is at now."
    )
    current: Update = Field(ABSENT, description="On a stale edit: the update as it is now.")
    used_by: list[str] = Field(
        ABSENT, description="On deleting a photo still shown: the pages that show it."
    )


class ValidationProblem(Problem):
    """A problem naming each field at fault."""

    errors: list[FieldProblem]


@dataclass(frozen=True)
class ErrorResponse:
    status: int | None  # as Werkzeug's exception classes type their codes
    description: str
    schema: type[Problem] = Problem
    headers: tuple[str, ...] = ()


# By component name; the statuses are those the errors are answered with.
ERRORS = {
    "BadRequest": ErrorResponse(
        BadRequest.code, "The body is not well-formed JSON, or not a JSON object."
    ),
    "Unauthorized": ErrorResponse(
        Unauthorized.code,
        "No bearer token, or one that is unknown or revoked.",
        headers=("WWW-Authenticate",),
    ),
    "Forbidden": ErrorResponse(
        STATUS_BY_ERROR[Forbidden], "The token's user has too low a role for this."
    ),
    "NotFound": ErrorResponse(
        STATUS_BY_ERROR[NotFound], "No such briefing, update, series, source or photo."
    ),
    "Conflict": ErrorResponse(
        STATUS_BY_ERROR[Conflict],
        "A stale version (with current_version and current), a lost race with a "
        "simultaneous change, or a photo still shown (with used_by).",
    ),
    "TooLarge": ErrorResponse(
        RequestEntityTooLarge.code,
        "The body is larger than 1 MiB (a photo upload: than MEDIA_MAX_BYTES, 20 MiB by "
        "default); `errors` names the file.",
    ),
    "UnsupportedMediaType": ErrorResponse(
        UnsupportedMediaType.code,
        "The body is not application/json (a photo upload: not multipart/form-data, or the "
        "file is not a JPEG, PNG, WebP or GIF image).",
    ),
    "Unavailable": ErrorResponse(
        STATUS_BY_ERROR[StoreUnavailable],
        "The database is away for a moment (a restart, a failover: `Retry-After` says when "
        "to try again), or a photo upload found the media store full or not writable. "
        "Nothing was changed.",
    ),
    "BadQuery": ErrorResponse(
        STATUS_BY_ERROR[Unreadable],
        "A query parameter the operation does not take, one given twice, or one it cannot "
        "read (a malformed `limit` or `cursor`); `errors` names each.",
        ValidationProblem,
    ),
    "Invalid": ErrorResponse(
        STATUS_BY_ERROR[Invalid],
        "A field is missing, unknown, read-only, of the wrong type or breaks a rule; "
        "`errors` names each field.",
        ValidationProblem,
    ),
}


def _errors(endpoint: str, method: str, rule: Rule, operation: Operation) -> list[str]:
    """The errors an operation can answer with, from what it does."""
    errors = []
    if endpoint not in OPEN_ENDPOINTS:
        errors.append("Unauthorized")
    if method != "get":
        errors.append("Forbidden")  # every write checks the actor's role
    if rule.arguments:
        errors.append("NotFound")
    if operation.body is not None:
        # Parsing the body; and a write that loses a race for something unique.
        errors += ["BadRequest", "TooLarge", "UnsupportedMediaType", "Conflict", "Invalid"]
    if operation.upload is not None:
        errors += ["Invalid"]
    if operation.query is not None:
        errors.append("BadQuery")
    errors.append("Unavailable")  # any operation may meet the database away
    return errors + list(operation.errors)


# Paths --------------------------------------------------------------------------------------

# The schema of a value each URL converter lets through to a view.
CONVERTERS: dict[str, dict[str, Any]] = {
    "slug": TypeAdapter(Slug).json_schema(),
    "id": {"type": "integer", "minimum": 1, "maximum": INTEGER_MAX},
}
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": "Repeating a key (per user) with the same body returns the first "
    "response again and creates nothing; with a different body it is refused (422).",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _operation(endpoint: str, method: str, rule: Rule, view: Any) -> dict[str, Any]:
    declared = OPERATIONS[view]
    operation: dict[str, Any] = {
        "operationId": _camel_case(view.__name__),
        "summary": " ".join((view.__doc__ or "").split()),
    }
    if endpoint in OPEN_ENDPOINTS:
        operation["security"] = []
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": CONVERTERS[converter]}
        for converter, name in PARAMETER.findall(rule.rule)
    ]
    if declared.query is not None:
        parameters += _query_parameters(declared.query)
    if method == "post":  # every POST creates, once per key (web/api/writes.py)
        parameters.append(IDEMPOTENCY_KEY)
    if parameters:
        operation["parameters"] = parameters
    if declared.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(declared.body)}
    if declared.upload is not None:
        schema = {"$ref": REF.format(model=declared.upload.__name__)}
        operation["requestBody"] = {"required": True, "content": {MULTIPART: {"schema": schema}}}
    errors = {
        str(ERRORS[name].status): {"$ref": f"#/components/responses/{name}"}
        for name in _errors(endpoint, method, rule, declared)
    }
    operation["responses"] = {**_success(method, declared.answer), **dict(sorted(errors.items()))}
    return operation


def _error_response(error: ErrorResponse) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": error.description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model=error.schema.__name__)}}},
    }
    if error.headers:
        response["headers"] = {name: {"schema": {"type": "string"}} for name in error.headers}
    return response


def _success(method: str, answer: Any) -> dict[str, Any]:
    if method == "delete":
        return {"204": {"description": "Done; no content."}}
    description = " ".join((answer.__doc__ or "The answer.").split())
    if method == "post":
        created = {
            "description": f"Created. {description}",
            "headers": {
                "Location": {
                    "description": "The new resource's API URL.",
                    "schema": {"type": "string", "format": "uri"},
                }
            },
            "content": _json(answer),
        }
        return {"201": created}
    return {"200": {"description": description, "content": _json(answer)}}


def _json(model: Any) -> dict[str, Any]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = {"$ref": REF.format(model=model.__name__)}
    else:
        schema = TypeAdapter(model).json_schema()
    return {"application/json": {"schema": schema}}


def _query_parameters(query: type[Query]) -> list[dict[str, Any]]:
    schema = query.model_json_schema(schema_generator=Schemas)
    parameters = []
    for name, value in schema.get("properties", {}).items():
        description = value.pop("description", None)
        parameter = {"name": name, "in": "query", "schema": value}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


# The document --------------------------------------------------------------------------------


class Schemas(GenerateJsonSchema):
    """JSON Schemas as the document shows them: a field's name is its title already, and a
    field that defaults to absent has no default to show."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        default = super().get_default_value(schema)
        return NoDefault if default is ABSENT else default


def _components(operations: list[Operation]) -> dict[str, Any]:
    """Every model an operation names, and the problems, as JSON Schemas that refer to each
    other. Input models as they validate, representations as they serialize."""
    models: list[tuple[type[BaseModel], Any]] = []
    for operation in operations:
        if operation.body is not None:
            models.append((operation.body, "validation"))
        if operation.upload is not None:
            models.append((operation.upload, "validation"))
        if isinstance(operation.answer, type) and issubclass(operation.answer, BaseModel):
            models.append((operation.answer, "serialization"))
    models += [(error.schema, "serialization") for error in ERRORS.values()]
    _, schemas = models_json_schema(
        list(dict.fromkeys(models)), ref_template=REF, schema_generator=Schemas
    )
    return dict(sorted(schemas["$defs"].items()))


def document() -> dict[str, Any]:
    """Built once per app, from its routes."""
    cached: dict[str, Any] | None = current_app.extensions.get("briefing.openapi")
    if cached is None:
        cached = current_app.extensions["briefing.openapi"] = _document()
    return cached


def _document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    operations: list[Operation] = []
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        view = current_app.view_functions[rule.endpoint]
        if view not in OPERATIONS:
            raise LookupError(f"The API view {rule.endpoint} needs a @documented declaration.")
        path = PARAMETER.sub(r"{\2}", rule.rule)
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            method = method.lower()
            paths.setdefault(path, {})[method] = _operation(rule.endpoint, method, rule, view)
        operations.append(OPERATIONS[view])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Briefing API",
            "version": "1",
            "description": "Live briefings, their updates and credited sources. Times are "
            "ISO 8601 with a UTC offset. Errors are application/problem+json (RFC 9457). "
            "The API is for machines and speaks English whatever the Accept-Language: its "
            "messages (problem titles, details, field errors) are not translated; a "
            "briefing's `language` is the language of its content and of its reader pages.",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token: Authorization: Bearer <token>.",
                }
            },
            "responses": {name: _error_response(error) for name, error in ERRORS.items()},
            "schemas": _components(operations),
        },
    }
