"""Series: the editions of a running story. Verbs that create and change a series, and the
read functions of its page, its feeds and its editions' pages.

Editions follow each other by `opened_at` (when their coverage began); readers see only
public ones. Opening the next edition is a briefing verb (services/briefings.py:
`next_edition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from briefing.extensions import db
from briefing.models import Briefing, BriefingStatus, Role, Series
from briefing.models.base import utcnow
from briefing.services import checks
from briefing.services.changes import touch_series
from briefing.services.checks import UNSET
from briefing.services.errors import NotFound
from briefing.services.idempotency import Idempotency, remember
from briefing.services.permissions import Actor, require_role
from briefing.services.timeline import Page, newest_first
from briefing.services.transactions import verb

TITLE_MAX = 200
DESCRIPTION_MAX = 1_000
# What changes on an edition's page when these fields of a briefing in a series change:
# its neighbours' links name the edition by title and link to it only once it is public.
LINEUP_FIELDS = frozenset({"title", "status", "series_id", "opened_at"})


@verb
def create_series(
    *,
    actor: Actor,
    title: str,
    slug: str | None = None,
    description: str = "",
    idempotency: Idempotency | None = None,
) -> Series:
    require_role(actor, Role.EDITOR, _l("create series"))
    errors = checks.Collector()
    title = checks.line(errors, "title", title, max_length=TITLE_MAX, required=True)
    if slug is None or not slug.strip():
        slug = checks.unique_slug(checks.slugify(title), _slug_taken)
    else:
        slug = checks.slug(errors, "slug", slug)
        if not errors.errors and _slug_taken(slug):
            errors.add("slug", _("The slug %(slug)s is already in use.", slug=repr(slug)))
    description = checks.line(errors, "description", description, max_length=DESCRIPTION_MAX)
    errors.raise_if_any()
    now = utcnow()
    series = Series(
        slug=slug,
        title=title,
        description=description,
        created_at=now,
        changed_at=now,
        version=1,
        lineup=1,
    )
    db.session.add(series)
    db.session.flush()
    remember(idempotency, actor, series)
    db.session.commit()
    return series


@verb
def change_series(
    series: Series, *, actor: Actor, title: str = UNSET, description: str = UNSET
) -> Series:
    require_role(actor, Role.EDITOR, _l("change series"))
    errors = checks.Collector()
    values: dict[str, Any] = {}
    if title is not UNSET:
        values["title"] = checks.line(errors, "title", title, max_length=TITLE_MAX, required=True)
    if description is not UNSET:
        values["description"] = checks.line(
            errors, "description", description, max_length=DESCRIPTION_MAX
        )
    errors.raise_if_any()
    changed = {k: v for k, v in values.items() if getattr(series, k) != v}
    if not changed:
        return series
    for name, value in changed.items():
        setattr(series, name, value)
    db.session.flush()
    touch_series(series.id, now=utcnow(), lineup=True)
    db.session.commit()
    db.session.refresh(series)
    return series


def series_field(errors: checks.Collector, field: str, slug: str | None) -> int | None:
    """The id of the series a briefing door names by slug (None: in no series)."""
    if slug is None:
        return None
    series_id = db.session.scalar(select(Series.id).where(Series.slug == slug))
    if series_id is None:
        errors.add(field, _("No series %(slug)s.", slug=repr(slug)))
    return series_id


def lineup_moved(briefing: Briefing, changed: set[str], *, was_in: int | None) -> None:
    """After a briefing verb changed `changed` fields: move the lineup of every series whose
    editions' pages now say something else (the briefing's, and the one it left)."""
    if not changed & LINEUP_FIELDS:
        return
    now = utcnow()
    for series_id in {briefing.series_id, was_in} - {None}:
        assert series_id is not None
        touch_series(series_id, now=now, lineup=True)


# Read side -----------------------------------------------------------------------------------


def series_by_slug(slug: str) -> Series:
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        raise NotFound(_("No series %(slug)s.", slug=repr(slug)))
    return series


def all_series() -> list[Series]:
    """Every series, by title: the console's choice (there are a few, not thousands)."""
    return list(db.session.scalars(select(Series).order_by(func.lower(Series.title))))


def series_page(*, cursor: int | None, limit: int) -> Page[Series]:
    """Series, newest first."""
    return newest_first(select(Series), Series, cursor, limit)


def _edition_order() -> tuple[Any, ...]:
    return (func.coalesce(Briefing.opened_at, Briefing.created_at).desc(), Briefing.id.desc())


def editions(series: Series, *, public: bool = True) -> list[Briefing]:
    """The series' editions, newest first; readers see no drafts."""
    query = select(Briefing).where(Briefing.series_id == series.id)
    if public:
        query = query.where(Briefing.status != BriefingStatus.DRAFT)
    return list(db.session.scalars(query.order_by(*_edition_order())))


def current_edition(series: Series) -> Briefing | None:
    """The newest live edition, else the newest edition readers have seen."""
    shown = editions(series)
    return next((b for b in shown if b.status == BriefingStatus.LIVE), shown[0] if shown else None)


def series_of(briefing_slugs: list[str]) -> list[str]:
    """The slugs of the series these briefings are editions of."""
    return list(
        db.session.scalars(
            select(Series.slug)
            .join(Briefing, Briefing.series_id == Series.id)
            .where(Briefing.slug.in_(briefing_slugs))
            .distinct()
            .order_by(Series.slug)
        )
    )


@dataclass(frozen=True)
class Neighbours:
    previous: Briefing | None
    next: Briefing | None


def neighbours(briefing: Briefing) -> Neighbours:
    """The editions before and after a public one, as readers see the series."""
    if briefing.series is None:
        return Neighbours(None, None)
    shown = editions(briefing.series)
    at = next((i for i, b in enumerate(shown) if b.id == briefing.id), None)
    if at is None:
        return Neighbours(None, None)
    return Neighbours(
        shown[at + 1] if at + 1 < len(shown) else None, shown[at - 1] if at > 0 else None
    )


@dataclass(frozen=True)
class SeriesVersion:
    """The key of a series' page and feeds: it moves with any change to any edition."""

    series_id: int
    version: int
    changed_at: datetime


_VERSION = select(Series.id, Series.version, Series.changed_at).where(
    Series.slug == bindparam("slug")
)


def series_version(slug: str) -> SeriesVersion:
    """One indexed lookup on a connection of its own, as `changes.briefing_version`."""
    with db.engine.connect() as connection:
        row = connection.execute(_VERSION, {"slug": slug}).one_or_none()
    if row is None:
        raise NotFound(_("No series %(slug)s.", slug=repr(slug)))
    return SeriesVersion(*row)


def _slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Series.id).where(Series.slug == slug)) is not None
