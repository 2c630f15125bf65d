"""Verbs that create and change briefings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Briefing, BriefingStatus, ChangeKind, Media, Role, Series, User
from briefing.models.base import utcnow
from briefing.rendering.markdown import render_markdown
from briefing.rendering.timefmt import local
from briefing.services import checks
from briefing.services.changes import record_change
from briefing.services.checks import UNSET
from briefing.services.idempotency import Idempotency, remember
from briefing.services.permissions import Actor, require_role
from briefing.services.series import current_edition, lineup_moved, series_field
from briefing.services.transactions import verb

TITLE_MAX = 200
STANDFIRST_MAX = 1_000
SUMMARY_MAX = 20_000

# draft → live → ended → live (reopen). A briefing that readers have seen never becomes a draft.
ALLOWED_TRANSITIONS = {
    BriefingStatus.DRAFT: {BriefingStatus.LIVE},
    BriefingStatus.LIVE: {BriefingStatus.ENDED},
    BriefingStatus.ENDED: {BriefingStatus.LIVE},
}


@verb
def create_briefing(
    *,
    actor: User,
    title: str,
    slug: str | None = None,
    standfirst: str = "",
    summary: str = "",
    timezone: str = "UTC",
    language: str = "en",
    status: BriefingStatus = BriefingStatus.DRAFT,
    opened_at: datetime | None = None,
    idempotency: Idempotency | None = None,
    lead_media: int | None = None,
    series: str | None = None,
) -> Briefing:
    """A new briefing; a live one starts its coverage now, or at `opened_at` when it is
    set up after the fact (imports, the demo). With `idempotency`, its key is stored with
    the briefing (see services/idempotency.py). `series` names (by slug) the series it is
    an edition of."""
    require_role(actor, Role.EDITOR, _l("create briefings"))
    errors = checks.Collector()
    title = checks.line(errors, "title", title, max_length=TITLE_MAX, required=True)
    if slug is None or not slug.strip():
        slug = unique_slug(checks.slugify(title))
    else:
        slug = checks.slug(errors, "slug", slug)
        if not errors.errors and slug_taken(slug):
            errors.add("slug", _("The slug %(slug)s is already in use.", slug=repr(slug)))
    standfirst = checks.line(errors, "standfirst", standfirst, max_length=STANDFIRST_MAX)
    summary = checks.text(errors, "summary", summary, max_length=SUMMARY_MAX)
    timezone = checks.timezone(errors, "timezone", timezone)
    language = checks.language(errors, "language", language)
    if status == BriefingStatus.ENDED:
        errors.add("status", _("A new briefing starts as draft or live."))
    if opened_at is not None:
        opened_at = checks.moment(errors, "opened_at", opened_at, allow_future=False)
    lead_media = _lead_media(errors, lead_media)
    series_id = series_field(errors, "series", series)
    errors.raise_if_any()

    briefing = _add_briefing(
        slug=slug,
        title=title,
        standfirst=standfirst,
        summary=summary,
        status=status,
        timezone=timezone,
        language=language,
        opened_at=opened_at,
        lead_media_id=lead_media,
        series_id=series_id,
    )
    remember(idempotency, actor, briefing)
    db.session.commit()
    return briefing


def _add_briefing(
    *, summary: str, status: BriefingStatus, opened_at: datetime | None, **fields: Any
) -> Briefing:
    """A new briefing and its first change-log row, in the caller's transaction; a live one
    starts its coverage now, or at `opened_at`."""
    now = utcnow()
    briefing = Briefing(
        summary=summary,
        summary_html=render_markdown(summary),
        status=status,
        opened_at=(opened_at or now) if status == BriefingStatus.LIVE else None,
        created_at=now,
        version=0,
        changed_at=now,
        **fields,
    )
    db.session.add(briefing)
    db.session.flush()
    record_change(briefing, ChangeKind.BRIEFING_CHANGED)
    lineup_moved(briefing, {"series_id"}, was_in=None)
    return briefing


@verb
def change_briefing(
    briefing: Briefing,
    *,
    actor: User,
    title: str = UNSET,
    standfirst: str = UNSET,
    summary: str = UNSET,
    timezone: str = UNSET,
    language: str = UNSET,
    status: BriefingStatus = UNSET,
    lead_media: int | None = UNSET,
    series: str | None = UNSET,
) -> Briefing:
    """Change any of the given fields; go live, end or reopen through `status`; show a
    photo under the title with `lead_media` (a media id, or None for none); make it an
    edition of a series with `series` (a slug, or None for none)."""
    require_role(actor, Role.EDITOR, _l("change briefings"))
    errors = checks.Collector()
    values: dict[str, Any] = {}
    if title is not UNSET:
        values["title"] = checks.line(errors, "title", title, max_length=TITLE_MAX, required=True)
    if standfirst is not UNSET:
        values["standfirst"] = checks.line(
            errors, "standfirst", standfirst, max_length=STANDFIRST_MAX
        )
    if summary is not UNSET:
        values["summary"] = checks.text(errors, "summary", summary, max_length=SUMMARY_MAX)
    if timezone is not UNSET:
        values["timezone"] = checks.timezone(errors, "timezone", timezone)
    if language is not UNSET:
        values["language"] = checks.language(errors, "language", language)
    if status is not UNSET and status != briefing.status:
        if status not in ALLOWED_TRANSITIONS[briefing.status]:
            # Whole sentences, not state names spliced in: they read right in every language.
            if status == BriefingStatus.DRAFT:
                refusal = _("A briefing readers have seen cannot become a draft again.")
            else:
                refusal = _("A draft has to go live before its coverage can end.")
            errors.add("status", refusal)
        values["status"] = status
    if lead_media is not UNSET:
        values["lead_media_id"] = _lead_media(errors, lead_media)
    if series is not UNSET:
        values["series_id"] = series_field(errors, "series", series)
    errors.raise_if_any()

    changed = {k: v for k, v in values.items() if getattr(briefing, k) != v}
    if not changed:
        return briefing
    _apply(briefing, changed)
    db.session.commit()
    return briefing


def _apply(briefing: Briefing, changed: dict[str, Any]) -> None:
    """Write checked changes of a briefing and log them, in the caller's transaction."""
    now = utcnow()
    was_in = briefing.series_id
    for name, value in changed.items():
        setattr(briefing, name, value)
    if "summary" in changed:
        briefing.summary_html = render_markdown(briefing.summary)
    kind = ChangeKind.BRIEFING_CHANGED
    if "status" in changed:
        if briefing.status == BriefingStatus.LIVE:
            briefing.opened_at = briefing.opened_at or now
            briefing.ended_at = None
        elif briefing.status == BriefingStatus.ENDED:
            briefing.ended_at = now
            kind = ChangeKind.BRIEFING_ENDED
    if "series_id" in changed:
        db.session.flush()
        db.session.expire(briefing, ["series"])
    record_change(briefing, kind)
    lineup_moved(briefing, set(changed), was_in=was_in)


@verb
def next_edition(series: Series, *, actor: Actor, title: str | None = None) -> Briefing:
    """End the series' current live edition and open the next one live, carrying over the
    summary box, standfirst, time zone and language. Its title defaults to the series'
    title and today's date in the edition's time zone."""
    require_role(actor, Role.EDITOR, _l("open editions"))
    previous = current_edition(series)
    timezone = previous.timezone if previous else "UTC"
    today = local(utcnow(), timezone).date()
    errors = checks.Collector()
    if title is None or not title.strip():
        title = f"{series.title}: {today.day} {today:%B %Y}"
    title = checks.line(errors, "title", title, max_length=TITLE_MAX, required=True)
    errors.raise_if_any()

    if previous is not None and previous.status == BriefingStatus.LIVE:
        _apply(previous, {"status": BriefingStatus.ENDED})
    briefing = _add_briefing(
        slug=unique_slug(checks.slugify(f"{series.slug} {today.isoformat()}")),
        title=title,
        standfirst=previous.standfirst if previous else "",
        summary=previous.summary if previous else "",
        status=BriefingStatus.LIVE,
        timezone=timezone,
        language=previous.language if previous else "en",
        opened_at=None,
        series_id=series.id,
    )
    db.session.commit()
    return briefing


def _lead_media(errors: checks.Collector, media_id: int | None) -> int | None:
    if media_id is None:
        return None
    photo = db.session.get(Media, media_id)
    if photo is None:
        errors.add("lead_media", _("No photo %(id)s.", id=media_id))
    elif not photo.alt:
        errors.add("lead_media", _("The lead photo needs alt text; add it to the photo first."))
    return media_id


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Briefing.id).where(Briefing.slug == slug)) is not None


def unique_slug(base: str) -> str:
    return checks.unique_slug(base, slug_taken)
