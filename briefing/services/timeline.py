"""Read functions for reader pages, the editor and the API: briefings, their timelines and
the site index. Each returns fully loaded objects in a fixed number of queries, whatever the
size of the briefing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any, Generic, NamedTuple, Protocol, TypeAlias, TypeVar, TypeVarTuple

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Integer,
    Result,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import selectinload

from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    Revision,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
    User,
)
from briefing.models.base import INTEGER_MAX, UTCDateTime
from briefing.models.briefing import briefing_sources
from briefing.models.update import title_text
from briefing.services.errors import Invalid, NotFound

RECENTLY_ENDED = timedelta(days=30)
# Most recently changed first: the order of the index and of the site-wide feed's briefings.
RECENTLY_CHANGED = (Briefing.changed_at.desc(), Briefing.id.desc())
T = TypeVar("T")
U = TypeVar("U", bound="OnTimeline")
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def eager_loads() -> tuple[Any, ...]:
    """Eager loads every reader view needs: sources in order, the author, the photos."""
    return (
        selectinload(Update.source_links).joinedload(UpdateSource.source),
        selectinload(Update.author),
        selectinload(Update.media_links),
    )


def _plain(statement: Select[*Ts], params: dict[str, Any]) -> Result[*Ts]:
    """Rows of plain values, read on the session's connection: the ORM's way of executing
    would add its own cost (about 0.1 ms a statement) and build no entity from them."""
    return db.session.connection().execute(statement, params)


_BY_SLUG = select(Briefing).where(Briefing.slug == bindparam("slug"))


def briefing_by_slug(slug: str, *, public: bool = True) -> Briefing:
    """The briefing with this slug; drafts count as missing for readers."""
    briefing = db.session.scalar(_BY_SLUG, {"slug": slug})
    if briefing is None or (public and not briefing.is_public):
        raise NotFound(_("No briefing %(slug)s.", slug=repr(slug)))
    return briefing


def update_in(briefing: Briefing, update_id: int, *, public: bool = True) -> Update:
    """An update of this briefing; for readers, only published ones exist."""
    if not 0 < update_id <= INTEGER_MAX:  # beyond any stored id, and what databases accept
        raise NotFound(
            _("No update %(id)s in briefing %(slug)s.", id=update_id, slug=repr(briefing.slug))
        )
    item = db.session.scalar(
        select(Update)
        .where(Update.id == update_id, Update.briefing_id == briefing.id)
        .options(*eager_loads())
    )
    if item is None or (public and item.status != UpdateStatus.PUBLISHED):
        raise NotFound(
            _("No update %(id)s in briefing %(slug)s.", id=update_id, slug=repr(briefing.slug))
        )
    return item


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def updates_by_id(ids: Collection[int]) -> list[Update]:
    """The updates with these ids, fully loaded for rendering, in any order."""
    if not ids:
        return []
    query = select(Update).where(Update.id.in_(ids)).options(*eager_loads())
    return list(db.session.scalars(query))


class OnTimeline(Protocol):
    """An update as far as its place on the timeline goes: loaded in full, or `Listed`."""

    @property
    def id(self) -> int: ...

    @property
    def published_at(self) -> datetime | None: ...


def encode_cursor(item: OnTimeline, *, id_offset: int = 0) -> str:
    """'<microseconds since epoch>-<id>': exact integers, no float rounding."""
    assert item.published_at is not None
    return f"{(item.published_at - EPOCH) // MICROSECOND}-{item.id + id_offset}"


def cursor_including(item: Update) -> str:
    """A newest-first cursor whose page starts with `item`: 'see it in context'."""
    return encode_cursor(item, id_offset=1)


def decode_cursor(cursor: str, field: str = "before") -> tuple[datetime, int]:
    try:
        micros_text, id_text = cursor.split("-", 1)
        micros, item_id = int(micros_text), int(id_text)
        moment = EPOCH + micros * MICROSECOND
        if not 0 <= item_id <= INTEGER_MAX + 1:
            raise ValueError(item_id)
    except (ValueError, OverflowError, OSError):
        raise Invalid.field(field, _("Not a valid page cursor.")) from None
    return moment, item_id


# The timeline's statements are built once per shape, with every value a parameter
# (`_window`): building a statement costs more than SQLite takes to run it.


def _window(briefing: Briefing, cursor: str | None, limit: int) -> dict[str, Any]:
    """The parameters of a timeline statement: `limit` updates after `cursor`, and one more
    to tell whether there is a next page."""
    params: dict[str, Any] = {"briefing_id": briefing.id, "limit": limit + 1}
    if cursor:
        params["moment"], params["after_id"] = decode_cursor(cursor)
    return params


def _published() -> ColumnElement[bool]:
    return and_(
        Update.briefing_id == bindparam("briefing_id"), Update.status == UpdateStatus.PUBLISHED
    )


@cache
def _timeline(*, after_cursor: bool, oldest_first: bool, include_pinned: bool) -> Select[Any]:
    """The ids of a briefing's published updates in reading order, after the cursor.

    Keyset pagination on (published_at, id): the cost is the same on page 1 and page 500.
    """
    query = select(Update.id).where(_published())
    if not include_pinned:
        query = query.where(Update.pinned.is_(False))
    if after_cursor:
        # A row-value comparison lets the timeline index seek straight to the cursor.
        position = tuple_(Update.published_at, Update.id)
        mark = tuple_(bindparam("moment", type_=UTCDateTime), bindparam("after_id", type_=Integer))
        query = query.where(position > mark if oldest_first else position < mark)
    return query.order_by(*_reading_order(oldest_first)).limit(bindparam("limit", type_=Integer))


def _reading_order(oldest_first: bool) -> tuple[Any, ...]:
    if oldest_first:
        return (Update.published_at, Update.id)
    return (Update.published_at.desc(), Update.id.desc())


def updates_page(
    briefing: Briefing,
    *,
    cursor: str | None = None,
    oldest_first: bool = False,
    limit: int = 20,
    include_pinned: bool = True,
) -> Page[Update]:
    """One page of published updates, newest (or oldest) first, after `cursor`, fully loaded."""
    wanted = _timeline(
        after_cursor=bool(cursor), oldest_first=oldest_first, include_pinned=include_pinned
    )
    query = (
        select(Update)
        .where(Update.id.in_(wanted.scalar_subquery()))
        .order_by(*_reading_order(oldest_first))
        .options(*eager_loads())
    )
    return _paged(list(db.session.scalars(query, _window(briefing, cursor, limit))), limit)


def _paged(rows: Sequence[U], limit: int) -> Page[U]:
    """The first `limit` of `limit + 1` rows in reading order, and the cursor after them."""
    items = list(rows[:limit])
    return Page(items, encode_cursor(items[-1]) if len(rows) > limit and items else None)


# id, version, pinned, key_event, published_at, byline, the name of one credited source
Listing: TypeAlias = Select[int, int, bool, bool, datetime | None, str, str | None]


class Listed(NamedTuple):
    """An update as a reader page lists it: what names its markup in the fragment cache
    (web/fragments.py), read as plain values with its credit and byline in one statement.
    A page loads the full update only for markup that is not cached yet."""

    id: int
    version: int
    pinned: bool
    key_event: bool
    published_at: datetime | None  # set on every published update
    source_names: tuple[str, ...]  # credited, in the editor's order
    byline: str


def _listing(wanted: Any, oldest_first: bool) -> Listing:
    """`Listed` values of the updates whose ids `wanted` selects, a row per credited source."""
    return (
        select(
            Update.id,
            Update.version,
            Update.pinned,
            Update.key_event,
            Update.published_at,
            User.display_name,
            Source.name,
        )
        .join(User, User.id == Update.author_id)
        .outerjoin(UpdateSource, UpdateSource.update_id == Update.id)
        .outerjoin(Source, Source.id == UpdateSource.source_id)
        .where(Update.id.in_(wanted))
        .order_by(*_reading_order(oldest_first), UpdateSource.position)
    )


def _listed(statement: Listing, params: dict[str, Any]) -> list[Listed]:
    """The updates a `_listing` statement reads, in reading order."""
    listed = []
    rows = _plain(statement, params)
    for _id, group in groupby(rows, key=itemgetter(0)):  # a row per credited source, or one
        first, *more = group
        update_id, version, pinned, key_event, published_at, byline, _source = first
        names = tuple(row[6] for row in (first, *more) if row[6] is not None)
        listed.append(Listed(update_id, version, pinned, key_event, published_at, names, byline))
    return listed


@cache
def _page_listing(*, after_cursor: bool, oldest_first: bool) -> Listing:
    wanted = _timeline(after_cursor=after_cursor, oldest_first=oldest_first, include_pinned=True)
    return _listing(wanted.scalar_subquery(), oldest_first)


@cache
def _first_page_listing(*, oldest_first: bool) -> Listing:
    """The pinned update and the others of the first page, in one statement."""
    pinned = select(Update.id).where(_published(), Update.pinned.is_(True)).limit(1)
    others = _timeline(after_cursor=False, oldest_first=oldest_first, include_pinned=False)
    wanted = union_all(select(pinned.subquery()), select(others.subquery()))
    return _listing(wanted, oldest_first)


def listed_page(
    briefing: Briefing, *, cursor: str | None, oldest_first: bool, limit: int
) -> Page[Listed]:
    """`updates_page` as a reader page lists it (see `Listed`)."""
    statement = _page_listing(after_cursor=bool(cursor), oldest_first=oldest_first)
    return _paged(_listed(statement, _window(briefing, cursor, limit)), limit)


def first_page(
    briefing: Briefing, *, oldest_first: bool, limit: int
) -> tuple[Listed | None, Page[Listed]]:
    """The pinned update and the first page of the others, as a reader page lists them (see
    `Listed`), in one statement: the cost every new version of a live page pays."""
    statement = _first_page_listing(oldest_first=oldest_first)
    rows = _listed(statement, _window(briefing, None, limit))
    held = next((u for u in rows if u.pinned), None)
    return held, _paged([u for u in rows if not u.pinned], limit)


def all_updates_page(
    briefing: Briefing, *, cursor: int | None, limit: int, drafts_of: int | None = None
) -> Page[Update]:
    """Every update an editor or bot may see (drafts and retractions too), newest first.

    With `drafts_of`, unpublished updates are limited to that author's own.
    """
    query = select(Update).where(Update.briefing_id == briefing.id).options(*eager_loads())
    if drafts_of is not None:
        query = query.where(
            or_(Update.status == UpdateStatus.PUBLISHED, Update.author_id == drafts_of)
        )
    return newest_first(query, Update, cursor, limit)


def briefings_page(*, cursor: int | None, limit: int, public: bool = True) -> Page[Briefing]:
    """Briefings, newest first; readers see no drafts."""
    query = select(Briefing)
    if public:
        query = query.where(Briefing.status != BriefingStatus.DRAFT)
    return newest_first(query, Briefing, cursor, limit)


def newest_first(query: Any, model: Any, cursor: int | None, limit: int) -> Page[Any]:
    """Keyset pagination on id: the cursor is the last id of the previous page (the door
    reads it from the `next` it gave out)."""
    if cursor is not None:
        query = query.where(model.id < cursor)
    rows = list(db.session.scalars(query.order_by(model.id.desc()).limit(limit + 1)))
    items = rows[:limit]
    return Page(items, str(items[-1].id) if len(rows) > limit and items else None)


def pinned_update(briefing: Briefing) -> Update | None:
    return db.session.scalar(
        select(Update)
        .where(
            Update.briefing_id == briefing.id,
            Update.pinned.is_(True),
            Update.status == UpdateStatus.PUBLISHED,
        )
        .options(*eager_loads())
    )


class KeyEvent(NamedTuple):
    """What the key-events list shows of an update: plain values, not a loaded model, so a
    long briefing's list of 50 costs about what a short one's of 2 does."""

    id: int
    version: int
    headline: str
    body_text: str
    published_at: datetime | None  # set on every published update

    @property
    def title_text(self) -> str:
        return title_text(self.headline, self.body_text)


KEY_EVENTS_SHOWN = 50


def _key_events(*where: Any) -> Any:
    """A statement for (briefing id, then KeyEvent's fields) of published key events,
    newest first."""
    return (
        select(
            Update.briefing_id,
            Update.id,
            Update.version,
            Update.headline,
            Update.body_text,
            Update.published_at,
        )
        .where(*where, Update.status == UpdateStatus.PUBLISHED, Update.key_event.is_(True))
        .order_by(Update.published_at.desc(), Update.id.desc())
    )


_KEY_EVENTS = (
    select(Update.id, Update.version, Update.headline, Update.body_text, Update.published_at)
    .where(_published(), Update.key_event.is_(True))
    .order_by(Update.published_at.desc(), Update.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


def key_events(briefing: Briefing, limit: int = KEY_EVENTS_SHOWN) -> list[KeyEvent]:
    """Key events newest first (by publish time; the live page's script keeps that order)."""
    rows = _plain(_KEY_EVENTS, {"briefing_id": briefing.id, "limit": limit})
    return [KeyEvent(*row) for row in rows]


def key_events_of(
    briefings: Collection[Briefing], limit: int = KEY_EVENTS_SHOWN
) -> dict[int, list[KeyEvent]]:
    """Each briefing's key events, newest first (at most `limit` each), in one query."""
    if not briefings:
        return {}
    rows = db.session.execute(_key_events(Update.briefing_id.in_([b.id for b in briefings])))
    found: dict[int, list[KeyEvent]] = {}
    for row in rows:
        held = found.setdefault(row[0], [])
        if len(held) < limit:
            held.append(KeyEvent(*row[1:]))
    return found


@dataclass(frozen=True)
class Credited:
    name: str
    url: str


_SOURCES_USED = (
    select(Source.name, Source.url)
    .join(briefing_sources, briefing_sources.c.source_id == Source.id)
    .where(briefing_sources.c.briefing_id == bindparam("briefing_id"))
    .order_by(func.lower(Source.name))
)


def sources_used(briefing: Briefing) -> list[Credited]:
    """Every source credited by a published update of the briefing, by name (kept current
    at write time, so this is one small query whatever the briefing's size)."""
    return [Credited(*row) for row in _plain(_SOURCES_USED, {"briefing_id": briefing.id})]


def published_count(briefing: Briefing) -> int:
    return (
        db.session.scalar(
            select(func.count(Update.id)).where(
                Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED
            )
        )
        or 0
    )


def last_published_at(briefing: Briefing) -> datetime | None:
    return db.session.scalar(
        select(func.max(Update.published_at)).where(
            Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED
        )
    )


@dataclass(frozen=True)
class IndexEntry:
    briefing: Briefing
    last_update_at: datetime | None
    update_count: int


def in_site_scope(ended_since: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """What the site covers, on the index and in the site-wide feeds: live briefings, and
    those that ended at or after `ended_since` (now - RECENTLY_ENDED; a bound parameter
    where the statement is built once)."""
    return or_(
        Briefing.status == BriefingStatus.LIVE,
        and_(Briefing.status == BriefingStatus.ENDED, Briefing.ended_at >= ended_since),
    )


def public_briefings(now: datetime, limit: int = 50) -> list[IndexEntry]:
    """The briefings in the site's scope, live ones first, each with its last update time
    and count of published updates, in one query."""
    stats = (
        select(
            Update.briefing_id,
            func.max(Update.published_at).label("last_at"),
            func.count(Update.id).label("n"),
        )
        .where(Update.status == UpdateStatus.PUBLISHED)
        .group_by(Update.briefing_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Briefing, stats.c.last_at, stats.c.n)
        .outerjoin(stats, stats.c.briefing_id == Briefing.id)
        .where(in_site_scope(now - RECENTLY_ENDED))
        .order_by(*RECENTLY_CHANGED)
        .limit(limit)
    ).all()
    entries = [IndexEntry(b, aware_utc(last), n or 0) for b, last, n in rows]
    entries.sort(key=lambda e: e.briefing.status != BriefingStatus.LIVE)
    return entries


def current_editions(entries: list[IndexEntry]) -> list[IndexEntry]:
    """The index's entries with each series shown once, by its first entry (live ones come
    first, then the most recently changed): its earlier editions are on the series page."""
    seen: set[int] = set()
    kept = []
    for entry in entries:
        series_id = entry.briefing.series_id
        if series_id is not None:
            if series_id in seen:
                continue
            seen.add(series_id)
        kept.append(entry)
    return kept


def revisions_of(item: Update) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.update_id == item.id)
            .order_by(Revision.id.desc())
            .options(selectinload(Revision.editor))
        )
    )


def aware_utc(value: datetime | None) -> datetime | None:
    """Aggregates bypass the column type, so SQLite hands back naive UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
