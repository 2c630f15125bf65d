"""Who may do what. Roles are ordered: contributor < editor < admin.

Every verb takes its actor as an argument and checks it here, whichever door called it.
A signed-in user or a token's owner is a `User`; the command line acts as `OPERATOR`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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


# Lazy, like the actions the verbs name: read in the language of whoever is refused.
ROLE_NAMES = {
    Role.CONTRIBUTOR: _l("contributor"),
    Role.EDITOR: _l("editor"),
    Role.ADMIN: _l("admin"),
}


def require_role(actor: Actor, role: Role, action: LazyString) -> None:
    """`action` is what the verb does, as it reads after "may not" ("create accounts")."""
    if not actor.can(role):
        raise Forbidden(
            _(
                "Your role (%(role)s) may not %(action)s; it needs %(needed)s.",
                role=ROLE_NAMES[actor.role],
                action=action,
                needed=ROLE_NAMES[role],
            )
        )


def require_may_touch(actor: User, update: Update) -> None:
    """Editors may change any update; contributors only their own drafts."""
    if actor.can(Role.EDITOR):
        return
    if update.author_id == actor.id and update.status == UpdateStatus.DRAFT and actor.active:
        return
    raise Forbidden(_("Contributors may only change their own drafts."))


def sees_drafts(actor: User) -> bool:
    """Editors see draft briefings and everyone's unpublished updates; others see what
    readers see, plus their own drafts."""
    return actor.can(Role.EDITOR)


def may_read(actor: User, update: Update) -> bool:
    return sees_drafts(actor) or update.is_published or update.author_id == actor.id
