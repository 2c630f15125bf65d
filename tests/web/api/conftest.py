"""The API test kit: a client that sends bearer tokens and checks every response it gets
against the OpenAPI document (status documented, body valid against its schema, documented
headers present), so the document cannot drift from what the API does."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from briefing import create_app
from briefing.models import User
from briefing.web.errors import PROBLEM_JSON
from tests.conftest import base_config

DOC_URI = "urn:briefing-api"
UNSET: Any = object()


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class Document:
    """The OpenAPI document as a JSON Schema registry, to validate against any part of it."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        resource = Resource(contents=doc, specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)

    def at(self, pointer: str) -> Any:
        node: Any = self.doc
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$ref": f"{DOC_URI}#{pointer}"},
            registry=self.registry,
            format_checker=FormatChecker(),
        )

    def schema(self, name: str) -> Draft202012Validator:
        return self.validator(f"/components/schemas/{name}")

    def request_body(self, template: str, method: str) -> Draft202012Validator:
        pointer = f"/paths/{_escape(template)}/{method}/requestBody/content/application~1json"
        return self.validator(pointer + "/schema")

    def check(self, app: Flask, method: str, url: str, response: TestResponse) -> None:
        path = unquote(urlsplit(url).path)
        try:
            rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
        except HTTPException:  # no such route: still a problem document
            assert response.mimetype == PROBLEM_JSON
            self.schema("Problem").validate(response.get_json())
            return
        template = re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule)
        pointer = f"/paths/{_escape(template)}/{method.lower()}/responses"
        status = str(response.status_code)
        assert status in self.at(pointer), (
            f"{method} {template} answered {status}, which the document omits: "
            f"{response.get_data(as_text=True)[:300]}"
        )
        pointer = f"{pointer}/{status}"
        spec = self.at(pointer)
        if "$ref" in spec:
            pointer = spec["$ref"][1:]
            spec = self.at(pointer)
        for header in spec.get("headers", {}):
            assert header in response.headers, f"documented header {header} is missing"
        content = spec.get("content")
        if content is None:
            assert response.data == b""
            return
        assert response.mimetype in content, f"{response.mimetype} is not documented"
        schema_pointer = f"{pointer}/content/{_escape(response.mimetype)}/schema"
        self.validator(schema_pointer).validate(response.get_json())


class Api:
    """A test client for the API, acting with one bearer token (or none)."""

    def __init__(self, app: Flask, client: FlaskClient, doc: Document, token: str | None):
        self.app, self.client, self.doc, self.token = app, client, doc, token

    def request(
        self,
        method: str,
        url: str,
        json: Any = UNSET,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        headers = dict(headers or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if json is not UNSET:
            kwargs["json"] = json
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        self.doc.check(self.app, method, url, response)
        return response

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, json: Any = UNSET, **kwargs: Any) -> TestResponse:
        return self.request("POST", url, json, **kwargs)

    def patch(self, url: str, json: Any = UNSET, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", url, json, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture(scope="session")
def openapi(sqlite_template: Path) -> Document:
    """The document as the API serves it to clients, fetched once per run."""
    app = create_app(base_config(f"sqlite:///{sqlite_template}"))
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return Document(response.get_json())


@pytest.fixture
def api_as(
    app: Flask, client: FlaskClient, openapi: Document, make_token: Callable[[User], str]
) -> Callable[[User | None], Api]:
    """`api_as(user)` acts with a fresh token of `user`; `api_as(None)` sends no token."""

    def act(user: User | None) -> Api:
        return Api(app, client, openapi, make_token(user) if user is not None else None)

    return act


@pytest.fixture
def api(api_as: Callable[[User | None], Api], editor: User) -> Api:
    """The API as an editor."""
    return api_as(editor)
