"""Changing passwords: one's own with the current one, anyone's as an admin."""

from __future__ import annotations

import pytest

from briefing.models import Role
from briefing.services import users as user_service
from briefing.services.errors import Forbidden, Invalid
from briefing.services.permissions import OPERATOR
from tests.factories import PASSWORD

HASH = "pbkdf2:sha256:1000"
NEW = "a brand new passphrase"


def change(user, actor=None, current=PASSWORD, new=NEW):
    return user_service.change_own_password(
        user,
        actor=actor or user,
        current_password=current,
        new_password=new,
        password_hash_method=HASH,
    )


def fields(error: Invalid) -> dict[str, str]:
    return {e.field: e.message for e in error.errors}


def test_a_user_changes_their_own_password_with_the_current_one(contributor):
    change(contributor)
    assert user_service.authenticate(contributor.email, NEW) == contributor
    assert user_service.authenticate(contributor.email, PASSWORD) is None


def test_a_wrong_current_password_changes_nothing(contributor):
    with pytest.raises(Invalid) as refused:
        change(contributor, current="not my password")
    assert fields(refused.value) == {"current_password": "This is not your current password."}
    assert user_service.authenticate(contributor.email, PASSWORD) == contributor


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short", "Use at least 10 characters."),
        ("x" * 1001, "Use at most 1000 characters."),
        (PASSWORD, "Choose a password other than the current one."),
    ],
)
def test_a_new_password_must_be_long_enough_and_new(editor, new, message):
    with pytest.raises(Invalid) as refused:
        change(editor, new=new)
    assert fields(refused.value) == {"password": message}
    assert user_service.authenticate(editor.email, PASSWORD) == editor


def test_nobody_changes_another_users_password_as_their_own(editor, admin):
    for actor in (admin, OPERATOR):
        with pytest.raises(Forbidden):
            change(editor, actor=actor)
    assert user_service.authenticate(editor.email, PASSWORD) == editor


def test_an_admin_sets_a_password_without_knowing_the_old_one(admin, make_user):
    other_admin = make_user(Role.ADMIN)
    user_service.set_password(other_admin, actor=admin, password=NEW, password_hash_method=HASH)
    assert user_service.authenticate(other_admin.email, NEW) == other_admin


def test_a_set_password_follows_the_same_length_rule(admin, editor):
    with pytest.raises(Invalid) as refused:
        user_service.set_password(editor, actor=admin, password="short", password_hash_method=HASH)
    assert fields(refused.value) == {"password": "Use at least 10 characters."}
