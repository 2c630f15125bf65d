"""A verb is one transaction that cleans up after itself.

`@verb` wraps a service verb: whatever makes it fail (a refused input, a stale version, a
lost race), the session is rolled back before the error leaves the service, so no door
ever rolls back or finds a half-written change pending. A unique constraint that two
writers can race for, named in RACES, becomes a `Collision` (the door answers 409, and
sending again may succeed); any other IntegrityError is a bug, logged and re-raised.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, PrimaryKeyConstraint, Table, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from briefing.extensions import db
from briefing.services.errors import Collision

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

LOST_RACE = _l("This request conflicted with a simultaneous change; send it again.")
# Constraints (named by the MetaData naming convention in extensions.py) that simultaneous
# writes may both try to claim.
RACES = frozenset(
    {
        "uq_briefings_slug",
        "uq_series_slug",
        "uq_sources_slug",
        "uq_users_email",
        "uq_updates_one_pinned_per_briefing",
        # Two publishes crediting a source new to the briefing (services/updates.py).
        "pk_briefing_sources",
        # Two requests with one Idempotency-Key (services/idempotency.py).
        "uq_idempotency_keys_user_id_key",
    }
)
# SQLite names the columns, not the constraint: "UNIQUE constraint failed: t.a, t.b".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def verb(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except IntegrityError as error:
            db.session.rollback()
            name = violated_constraint(error)
            if name in RACES:
                raise Collision(str(LOST_RACE), constraint=name) from error
            log.error("%s broke constraint %s: %s", function.__name__, name, error.orig)
            raise
        except BaseException:
            db.session.rollback()
            raise

    return run


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError reports, on PostgreSQL or SQLite."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    match = _SQLITE_UNIQUE.search(str(error.orig))
    if match is None:
        return None
    columns = [name.strip().split(".") for name in match.group(1).split(",")]
    table = db.metadata.tables.get(columns[0][0])
    return None if table is None else _unique_named(table, [c for _t, c in columns])


def _unique_named(table: Table, columns: list[str]) -> str | None:
    """The primary key, unique constraint or unique index of `table` over `columns`."""
    candidates: list[PrimaryKeyConstraint | UniqueConstraint | Index] = [
        c for c in table.constraints if isinstance(c, PrimaryKeyConstraint | UniqueConstraint)
    ]
    candidates += [index for index in table.indexes if index.unique]
    for candidate in candidates:
        if [c.name for c in candidate.columns] == columns and isinstance(candidate.name, str):
            return candidate.name
    return None
