"""Who may do what. Roles are ordered: contributor < editor < admin."""

from __future__ import annotations

from briefing.models import Role, Update, UpdateStatus, User
from briefing.services.errors import Forbidden


def require_role(actor: User, role: Role, action: str) -> None:
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
