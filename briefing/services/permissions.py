"""Who may do what. Roles are ordered: contributor < editor < admin.

Every verb takes its actor as an argument and checks it here, whichever door called it.
A signed-in user or a token's owner is a `User`; the command line acts as `OPERATOR`.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.models import Role, Update, UpdateStatus, User
from briefing.services.errors import Forbidden


@dataclass(frozen=True)
class Operator:
    """Whoever runs the command line on the server (`init-db`, `create-user`, `seed-demo`).
    They hold the database already, so they may do what an admin may; they are no account,
    so they can neither sign in nor author anything."""

    role: Role = Role.ADMIN

    def can(self, role: Role) -> bool:
        return True


OPERATOR = Operator()
# Who may call an admin verb: an account, or the operator at the command line.
Actor = User | Operator


def require_role(actor: Actor, role: Role, action: str) -> None:
    if not actor.can(role):
        raise Forbidden(f"Your role ({actor.role.value}) may not {action}; it needs {role.value}.")


def require_may_touch(actor: User, update: Update) -> None:
    """Editors may change any update; contributors only their own drafts."""
    if actor.can(Role.EDITOR):
        return
    if update.author_id == actor.id and update.status == UpdateStatus.DRAFT and actor.active:
        return
    raise Forbidden("Contributors may only change their own drafts.")


def sees_drafts(actor: User) -> bool:
    """Editors see draft briefings and everyone's unpublished updates; others see what
    readers see, plus their own drafts."""
    return actor.can(Role.EDITOR)


def may_read(actor: User, update: Update) -> bool:
    return sees_drafts(actor) or update.is_published or update.author_id == actor.id
