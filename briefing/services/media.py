"""Verbs over uploaded photos, and the one place a body's photos are resolved and rendered.

Upload decodes and processes the file before anything is stored, writes the files, then
the row; if the row cannot be committed the files it wrote go again, so a refused or failed
upload leaves nothing behind. Changing a photo's words re-renders every update that shows
it, in the same transaction, and logs the change so pages, streams and feeds follow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import (
    Briefing,
    ChangeKind,
    Media,
    Role,
    Update,
    UpdateMedia,
    UpdateStatus,
    User,
)
from briefing.models.base import INTEGER_MAX, utcnow
from briefing.rendering import images
from briefing.rendering.markdown import (
    Photo,
    Variant,
    html_to_text,
    image_references,
    render_markdown,
)
from briefing.services import checks
from briefing.services.changes import record_change
from briefing.services.checks import UNSET
from briefing.services.errors import (
    FieldError,
    Forbidden,
    InUse,
    Invalid,
    NotFound,
    StoreUnavailable,
    TooLarge,
    Unsupported,
)
from briefing.services.idempotency import Idempotency, remember
from briefing.services.permissions import require_role
from briefing.services.transactions import verb

log = logging.getLogger(__name__)

MEDIA_PATH = "/media/"
ALT_MAX = 1_000
CAPTION_MAX = 1_000
CREDIT_MAX = 200
RECENT = 24


class MediaStorage(Protocol):
    """Where a photo's files go: a directory by default (media/storage.py); an object
    store can take its place."""

    def put(self, name: str, data: bytes) -> bool:
        """Store `data` under `name` atomically; False if the name was already stored."""

    def delete(self, name: str) -> None:
        """Remove `name`; no error if it is not there."""

    def read(self, name: str) -> bytes:
        """The stored bytes; FileNotFoundError if there are none."""


@verb
def upload_media(
    *,
    actor: User,
    data: bytes,
    storage: MediaStorage,
    max_bytes: int,
    alt: str = "",
    caption: str = "",
    credit: str = "",
    idempotency: Idempotency | None = None,
) -> Media:
    """Store a photo: decoded by its bytes, upright, without metadata, with its variants.
    `max_bytes` is the app's MEDIA_MAX_BYTES."""
    require_role(actor, Role.CONTRIBUTOR, _l("upload photos"))
    errors = checks.Collector()
    alt, caption, credit = _words(errors, alt, caption, credit)
    errors.raise_if_any()
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise Invalid.field("file", _("The file is empty."))
    try:
        processed = images.process(data)
    except images.NotAnImage as error:
        raise Unsupported([FieldError("file", error.message)]) from None
    except images.BrokenImage as error:
        raise Invalid.field("file", error.message) from None

    written: list[str] = []
    try:
        for rendition in processed.renditions:
            try:
                stored = storage.put(rendition.filename, rendition.data)
            except OSError as error:
                log.error("media store refused %s: %s", rendition.filename, error)
                raise StoreUnavailable(
                    _(
                        "The photo could not be stored: the media store is full or not "
                        "writable. Nothing was saved; try again once an operator has made room."
                    )
                ) from None
            if stored:
                written.append(rendition.filename)
        now = utcnow()
        main = processed.main
        item = Media(
            key=processed.key,
            filename=main.filename,
            content_type=main.content_type,
            width=main.width,
            height=main.height,
            variants=[
                {
                    "filename": r.filename,
                    "width": r.width,
                    "content_type": r.content_type,
                    "size": len(r.data),  # bytes: an RSS enclosure's length
                }
                for r in processed.renditions
            ],
            alt=alt,
            caption=caption,
            credit=credit,
            uploader_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(item)
        db.session.flush()
        remember(idempotency, actor, item)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        # Files another upload of the same picture committed meanwhile stay.
        if not db.session.scalar(select(Media.id).where(Media.key == processed.key).limit(1)):
            for name in written:
                storage.delete(name)
        raise
    log.info("media %s uploaded by user %s (%s)", item.id, actor.id, item.filename)
    return item


@verb
def change_media(
    item: Media, *, actor: User, alt: str = UNSET, caption: str = UNSET, credit: str = UNSET
) -> Media:
    """Change a photo's alt text, caption or credit, and every page that shows it."""
    _require_may_change(actor, item)
    errors = checks.Collector()
    given = {"alt": alt, "caption": caption, "credit": credit}
    wanted = [getattr(item, name) if v is UNSET else v for name, v in given.items()]
    checked = dict(zip(given, _words(errors, *wanted), strict=True))
    errors.raise_if_any()
    changes = {name: v for name, v in checked.items() if v != getattr(item, name)}
    if not changes:
        return item
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = utcnow()
    db.session.flush()

    shown_in = updates_showing(item, include_retracted=True)
    for update in shown_in:
        publishing = update.status == UpdateStatus.PUBLISHED
        body_errors = checks.Collector()
        rendered = render_body(body_errors, update.body, publishing=publishing)
        if body_errors.errors:
            raise Invalid.field(
                "alt",
                _(
                    "Update %(id)s shows this photo without alt text of its own; "
                    "a published photo needs alt text.",
                    id=update.id,
                ),
            )
        update.body_html, update.body_text = rendered.html, rendered.text
        # What the update shows changed: its version moves, so caches keyed by it (the
        # pages' fragments) and editors holding the old one see the new text.
        update.version = update.version + 1
        if publishing:
            record_change(update.briefing, ChangeKind.UPDATE_EDITED, update)
        elif update.status == UpdateStatus.DRAFT:
            record_change(update.briefing, ChangeKind.DRAFT_SAVED, update)
    for briefing in briefings_led_by(item):
        record_change(briefing, ChangeKind.BRIEFING_CHANGED)
    db.session.commit()
    return item


@verb
def delete_media(item: Media, *, actor: User, storage: MediaStorage) -> None:
    """Delete a photo no update or briefing shows; its files go once no other upload of the
    same picture needs them."""
    require_role(actor, Role.EDITOR, _l("delete photos"))
    users: list[Update | Briefing] = [*updates_showing(item), *briefings_led_by(item)]
    if users:
        raise InUse(
            _("Photo %(id)s is still shown; take it out of these first.", id=item.id), users=users
        )
    # Retracted updates keep their text, which may name the photo; they show it to no one.
    for link in db.session.scalars(select(UpdateMedia).where(UpdateMedia.media_id == item.id)):
        db.session.delete(link)
    names, key = item.filenames, item.key
    db.session.delete(item)
    db.session.commit()
    if not db.session.scalar(select(Media.id).where(Media.key == key).limit(1)):
        for name in names:
            storage.delete(name)


# A body's photos --------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedBody:
    html: str
    text: str
    media: list[Media]  # the photos shown, in order, each once


def render_body(errors: checks.Collector, body: str, *, publishing: bool) -> RenderedBody:
    """Render an update's body with its photos. A URL under /media/ must name an uploaded
    photo; a published photo must have alt text (from the Markdown or the photo)."""
    references = image_references(body)
    names = {ref.url: name for ref in references if (name := _our_filename(ref.url))}
    found = {}
    if names:
        rows = db.session.scalars(select(Media).where(Media.filename.in_(set(names.values()))))
        found = {row.filename: row for row in rows}
    photos: dict[str, Photo] = {}
    shown: list[Media] = []
    for ref in references:
        if ref.url not in names:
            continue  # another site's image: it stays a link
        item = found.get(names[ref.url])
        if item is None:
            errors.add(
                "body",
                _("No uploaded photo has the address %(url)s; upload it first.", url=ref.url),
            )
            continue
        photos[ref.url] = photo_of(item)
        if not ref.alone:
            continue
        if item not in shown:
            shown.append(item)
        if publishing and not (ref.alt.strip() or item.alt):
            errors.add(
                "body",
                _(
                    "The photo %(url)s needs alt text before it is published: describe it "
                    "between the image's square brackets, or in the photo's alt text.",
                    url=ref.url,
                ),
            )
    html = render_markdown(body, photos)
    return RenderedBody(html, html_to_text(html), shown)


def media_links(shown: Sequence[Media]) -> list[UpdateMedia]:
    return [UpdateMedia(media=item, position=i) for i, item in enumerate(shown)]


def photo_of(item: Media) -> Photo:
    return Photo(
        url=media_path(item.filename),
        width=item.width,
        height=item.height,
        alt=item.alt,
        caption=item.caption,
        credit=item.credit,
        variants=tuple(
            Variant(media_path(v["filename"]), v["width"], v["content_type"]) for v in item.variants
        ),
    )


def media_path(filename: str) -> str:
    return MEDIA_PATH + filename


def _our_filename(url: str) -> str | None:
    """The stored name a URL points at, if it points at our photos at all: a path under
    /media/ on this site, or on any host (SITE_URL, a CDN in front of it) when the name has
    the shape only processing gives (a content hash, a width). Another site's /media/
    stays another site's."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("", "http", "https") or not parts.path.startswith(MEDIA_PATH):
        return None
    name = parts.path[len(MEDIA_PATH) :]
    if parts.netloc and not images.FILENAME_RE.match(name):
        return None
    return name


# Reading ----------------------------------------------------------------------------------


def media_by_id(media_id: int) -> Media:
    # Beyond any stored id, and what PostgreSQL's integer accepts.
    item = db.session.get(Media, media_id) if 0 < media_id <= INTEGER_MAX else None
    if item is None:
        raise NotFound(_("No photo %(id)s.", id=media_id))
    return item


def recent_media(limit: int = RECENT) -> list[Media]:
    """The newest uploads, for the console's picker."""
    return list(db.session.scalars(select(Media).order_by(Media.id.desc()).limit(limit)))


def updates_showing(item: Media, *, include_retracted: bool = False) -> list[Update]:
    query = (
        select(Update)
        .join(UpdateMedia, UpdateMedia.update_id == Update.id)
        .where(UpdateMedia.media_id == item.id)
        .order_by(Update.id)
    )
    if not include_retracted:
        query = query.where(Update.status != UpdateStatus.DELETED)
    return list(db.session.scalars(query))


def briefings_led_by(item: Media) -> list[Briefing]:
    return list(db.session.scalars(select(Briefing).where(Briefing.lead_media_id == item.id)))


def _words(errors: checks.Collector, alt: str, caption: str, credit: str) -> tuple[str, str, str]:
    return (
        checks.line(errors, "alt", alt, max_length=ALT_MAX),
        checks.line(errors, "caption", caption, max_length=CAPTION_MAX),
        checks.line(errors, "credit", credit, max_length=CREDIT_MAX),
    )


def _require_may_change(actor: User, item: Media) -> None:
    """Editors may change any photo's words; contributors those of their own uploads."""
    require_role(actor, Role.CONTRIBUTOR, _l("change photos"))
    if not actor.can(Role.EDITOR) and item.uploader_id != actor.id:
        raise Forbidden(_("Contributors may only change photos they uploaded."))


def too_large(limit: int) -> TooLarge:
    """The refusal of a file over MEDIA_MAX_BYTES (`limit`), whoever notices it first."""
    return TooLarge(
        [
            FieldError(
                "file",
                _("The file is over the limit of %(mib)s MiB.", mib=format(limit / 2**20, "g")),
            )
        ]
    )
