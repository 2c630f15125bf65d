"""The editor test kit: a client that uses the console as a browser would.

CSRF protection stays on in these tests, as in production: `Newsroom.submit` loads a page,
fills its form (hidden fields and the CSRF token included) and sends it; `post` sends the
token read from the page's `<meta name="csrf-token">`, as the console's script does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from flask import Flask
from werkzeug.test import TestResponse

from briefing.extensions import db
from briefing.models import User
from tests.factories import PASSWORD

JSON = {"Accept": "application/json"}


def parse(response: TestResponse) -> Any:
    return lxml.html.fromstring(response.get_data(as_text=True))


def texts(doc: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


class Newsroom:
    """One browser session in the newsroom.

    Each request runs in an application context of its own, as in production (see
    `RequestClient`); the test's database session is expired afterwards, so it reads what
    the request wrote.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = self.client.open(*args, **kwargs)
        db.session.expire_all()
        return response

    parse = staticmethod(parse)

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open(url, method="GET", **kwargs)

    def page(self, url: str) -> Any:
        response = self.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return parse(response)

    def csrf_token(self) -> str:
        if self._token is None:
            # The login page, or the dashboard it sends signed-in users to.
            response = self.get("/editor/login")
            doc = parse(response) if response.status_code == 200 else self.page("/editor/")
            self._token = doc.xpath("//meta[@name='csrf-token']/@content")[0]
        return self._token

    def login(self, user: User, password: str = PASSWORD) -> TestResponse:
        return self.submit("/editor/login", {"email": user.email, "password": password})

    def submit(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        *,
        form: str = "(//form[.//input[@name='csrf_token']])[last()]",
        button: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        page: Any = None,
        **kwargs: Any,
    ) -> TestResponse:
        """Fill the form found by the XPath `form` on the page at `url` (or on `page`, a
        page already parsed: a form shown again) and send it, like a browser: its own values
        (checked boxes, selected options, hidden fields), then `data` on top, then the
        clicked `button` (name, value)."""
        doc = page if page is not None else self.page(url)
        found = doc.xpath(form)
        assert found, f"no form {form!r} on {url}"
        element = found[0]
        values: dict[str, Any] = {}
        for name, value in element.form_values():
            values.setdefault(name, []).append(value)
        for name, value in (data or {}).items():
            values[name] = value if isinstance(value, list) else [value]
        if button is not None:
            values[button[0]] = [button[1]]
        self._token = (values.get("csrf_token") or [self._token])[0]
        action = element.get("action") or url
        response = self.open(action, method="POST", data=values, headers=headers, **kwargs)
        if "/editor/log" in action and response.status_code == 302:
            self._token = None  # signing in or out starts a fresh session
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, json: bool = False, **kwargs: Any
    ) -> TestResponse:
        """A POST with this session's CSRF token in the form; `json=True` asks for JSON, as
        the console's script does."""
        body = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.open(url, method="POST", data=body, headers=JSON if json else None, **kwargs)


@pytest.fixture
def newsroom(app: Flask) -> Callable[[User | None], Newsroom]:
    """`newsroom(user)` is a fresh browser session logged in as `user`; `newsroom(None)` is
    an anonymous one."""

    def open_session(user: User | None) -> Newsroom:
        session = Newsroom(app)
        if user is not None:
            response = session.login(user)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return session

    return open_session


@pytest.fixture
def desk(newsroom: Callable[[User | None], Newsroom], editor: User) -> Newsroom:
    """The newsroom as the editor."""
    return newsroom(editor)
