"""Factories that call the services, so test data obeys the same rules as real data.

Each fixture returns a callable: `make_user(role=Role.EDITOR)`, `make_briefing()`,
`make_update(briefing, body=...)`, `make_series(title=...)`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from briefing.models import Briefing, BriefingStatus, Media, Role, Series, Update, User
from briefing.services import briefings as briefing_service
from briefing.services import media as media_service
from briefing.services import series as series_service
from briefing.services import updates as update_service
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def create_account(app: Flask, **fields: Any) -> User:
    """An account made as the command line makes it, inside `app`'s context (email,
    display_name and role; the password is PASSWORD unless given): also for tests that run
    a second app or a server of their own."""
    method = app.config["PASSWORD_HASH_METHOD"]
    fields = {"password": PASSWORD, **fields}
    return user_service.create_user(actor=OPERATOR, password_hash_method=method, **fields)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(role: Role = Role.EDITOR, **fields: Any) -> User:
        n = next(_counter)
        values: dict[str, Any] = {
            "email": f"{role.value}{n}@newsroom.example",
            "display_name": f"{role.value.title()} {n}",
            "role": role,
        }
        values.update(fields)
        return create_account(app, **values)

    return make


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user(Role.EDITOR, display_name="Olena Editor")


@pytest.fixture
def contributor(make_user: Callable[..., User]) -> User:
    return make_user(Role.CONTRIBUTOR, display_name="Taras Contributor")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, display_name="Iryna Admin")


@pytest.fixture
def make_briefing(app: Flask, editor: User) -> Callable[..., Briefing]:
    def make(**fields: Any) -> Briefing:
        values: dict[str, Any] = {
            "actor": editor,
            "title": f"Storm coverage {next(_counter)}",
            "standfirst": "Live coverage as the storm makes landfall.",
            "timezone": "Europe/Kyiv",
            "status": BriefingStatus.LIVE,
        }
        values.update(fields)
        return briefing_service.create_briefing(**values)

    return make


@pytest.fixture
def briefing(make_briefing: Callable[..., Briefing]) -> Briefing:
    return make_briefing(title="War in Ukraine: live", slug="war")


@pytest.fixture
def make_series(app: Flask, editor: User) -> Callable[..., Series]:
    def make(**fields: Any) -> Series:
        values: dict[str, Any] = {"actor": editor, "title": "Russia's Invasion of Ukraine"}
        values.update(fields)
        return series_service.create_series(**values)

    return make


@pytest.fixture
def make_update(app: Flask, editor: User) -> Callable[..., Update]:
    def make(briefing: Briefing, **fields: Any) -> Update:
        values: dict[str, Any] = {"actor": editor, "body": f"Update number {next(_counter)}."}
        values.update(fields)
        return update_service.create_update(briefing, **values)

    return make


@pytest.fixture
def make_media(app: Flask, editor: User) -> Callable[..., Media]:
    """`make_media(data=jpeg_bytes, alt=..., caption=..., credit=...)`: an uploaded photo."""

    def make(**fields: Any) -> Media:
        from briefing.media.storage import media_storage
        from tests.media import pictures

        values: dict[str, Any] = {
            "actor": editor,
            "storage": media_storage(),
            "max_bytes": app.config["MEDIA_MAX_BYTES"],
            "data": pictures.jpeg(1800 + next(_counter), 1000),
            "alt": "Firefighters at a burning apartment block",
            "caption": "Rescuers in Odesa after the strike.",
            "credit": "Photo: AFP",
        }
        values.update(fields)
        return media_service.upload_media(**values)

    return make


@pytest.fixture
def make_token(app: Flask) -> Callable[[User], str]:
    def make(user: User, name: str = "test bot") -> str:
        return user_service.create_token(user, actor=OPERATOR, name=name)[1]

    return make
