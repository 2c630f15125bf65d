"""Domain errors. Each door maps them to its own medium in one place (web/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class Invalid(DomainError):
    """Input that breaks a rule; names every field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def field(cls, field: str, message: str) -> Invalid:
        return cls([FieldError(field, message)])


class Unreadable(Invalid):
    """Input a door cannot read as a request of its kind at all, such as a query parameter
    a list does not take, as opposed to a readable value that breaks a rule."""


class Unsupported(Invalid):
    """Input of a kind the verb does not take at all, such as a file that is no image."""


class TooLarge(Invalid):
    """Input over a size limit."""


class StoreUnavailable(DomainError):
    """Where files are kept refused a write (full, read-only, gone): nothing was stored."""


class InUse(DomainError):
    """Something cannot go while other things use it; `users` are those things."""

    def __init__(self, detail: str, users: list[Any]) -> None:
        super().__init__(detail)
        self.users = users


class Conflict(DomainError):
    """An edit based on a version that is no longer current. `current` is the stored object."""

    def __init__(self, detail: str, current: Any) -> None:
        super().__init__(detail)
        self.current = current


class Collision(DomainError):
    """Two writes raced for something unique (a slug, the pinned slot) and this one lost.
    `constraint` names the database constraint that refused it; sending again may succeed."""

    def __init__(self, detail: str, constraint: str) -> None:
        super().__init__(detail)
        self.constraint = constraint
