"""Admin verbs check their actor themselves, so no door can forget to."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import ApiToken, Role, Source, User
from briefing.services import sources as source_service
from briefing.services import users as user_service
from briefing.services.errors import Forbidden
from briefing.services.permissions import OPERATOR

HASH = "pbkdf2:sha256:1000"


def admin_verbs(target: User, token: ApiToken, source: Source) -> dict:
    """Each admin verb, as a call that takes the actor."""
    return {
        "create_user": lambda actor: user_service.create_user(
            actor=actor,
            email="new@newsroom.example",
            display_name="New Person",
            role=Role.ADMIN,
            password="a long enough password",
            password_hash_method=HASH,
        ),
        "create_token": lambda actor: user_service.create_token(target, actor=actor, name="bot"),
        "revoke_token": lambda actor: user_service.revoke_token(token, actor=actor),
        "change_user_role": lambda actor: user_service.change_user_role(
            target, actor=actor, role=Role.ADMIN
        ),
        "set_user_active": lambda actor: user_service.set_user_active(
            target, actor=actor, active=False
        ),
        "set_password": lambda actor: user_service.set_password(
            target, actor=actor, password="a new long password", password_hash_method=HASH
        ),
        "create_source": lambda actor: source_service.create_source(
            actor=actor, slug="new-wire", name="New Wire", url="https://wire.example/"
        ),
        "change_source": lambda actor: source_service.change_source(
            source, actor=actor, name="Renamed", url="https://renamed.example/"
        ),
        "seed_default_sources": lambda actor: source_service.seed_default_sources(actor=actor),
    }


VERBS = [
    "create_user",
    "create_token",
    "revoke_token",
    "change_user_role",
    "set_user_active",
    "set_password",
    "create_source",
    "change_source",
    "seed_default_sources",
]


@pytest.fixture
def verbs(make_user):
    target = make_user(Role.CONTRIBUTOR)
    token, _plain = user_service.create_token(target, actor=OPERATOR, name="existing")
    source = source_service.source_by_slug("reuters")
    return admin_verbs(target, token, source)


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, ApiToken, Source)
    )


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.EDITOR])
def test_every_admin_verb_refuses_an_actor_who_is_not_an_admin(verbs, make_user, verb, role):
    assert set(verbs) == set(VERBS)
    actor = make_user(role)
    before = counts()
    with pytest.raises(Forbidden):
        verbs[verb](actor)
    # Refused before touching anything.
    assert not db.session.new and not db.session.dirty
    assert counts() == before


@pytest.mark.parametrize("verb", VERBS)
def test_every_admin_verb_lets_an_admin_through(verbs, admin, verb):
    verbs[verb](admin)


@pytest.mark.parametrize(
    "verb",
    ["create_user", "create_token", "revoke_token", "set_password", "seed_default_sources"],
)
def test_the_command_line_operator_may_do_what_an_admin_may(verbs, verb):
    verbs[verb](OPERATOR)
