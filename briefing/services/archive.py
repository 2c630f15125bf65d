"""Export and import of one briefing: a self-contained archive that another instance restores.

The archive holds the briefing, its updates in every state, their revisions, the series it
is an edition of, and the people and sources they name, by email and slug (ids mean nothing
in another database). On import,
Markdown is rendered and sanitized again, never trusted from the file; people unknown to the
instance become inactive contributors, who cannot sign in until an admin lets them.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    ChangeKind,
    Media,
    Revision,
    Role,
    Series,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
    User,
)
from briefing.models.base import utcnow
from briefing.rendering import images
from briefing.rendering.images import FILENAME_RE
from briefing.rendering.markdown import render_markdown
from briefing.services import checks
from briefing.services.briefings import SUMMARY_MAX, TITLE_MAX, slug_taken
from briefing.services.changes import record_change, touch_series
from briefing.services.errors import FieldError, Invalid
from briefing.services.media import MediaStorage, media_links, render_body
from briefing.services.permissions import Actor, require_role
from briefing.services.series import DESCRIPTION_MAX as SERIES_DESCRIPTION_MAX
from briefing.services.series import TITLE_MAX as SERIES_TITLE_MAX
from briefing.services.transactions import verb
from briefing.services.updates import BODY_MAX, HEADLINE_MAX, refresh_credits
from briefing.services.users import normalize_email

FORMAT = "briefing-archive"
# 2 names the briefing's series; version 1 archives (no series) are read as they were.
FORMAT_VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})
# The archive is a zip file: the document, and a reading copy that opens from disk.
DOCUMENT_NAME = "briefing.json"
READING_COPY_NAME = "index.html"
MEDIA_FOLDER = "media/"
# An archive's document is text; anything this large is not one (or is a zip bomb).
DOCUMENT_MAX = 256 * 1024 * 1024
# No photo file is larger than an upload may be.
MEDIA_FILE_MAX = 64 * 1024 * 1024


class _Entry(BaseModel):
    # Built from the models on export (attributes), from JSON on import.
    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True)


def _email(person: Any) -> Any:
    return person.email if isinstance(person, User) else person


def _slugs(sources: Any) -> Any:
    return [s.slug for s in sources] if sources and isinstance(sources[0], Source) else sources


class Person(_Entry):
    email: str
    display_name: str = Field(max_length=120)


class SourceEntry(_Entry):
    slug: str
    name: str = Field(max_length=120)
    url: str = Field(max_length=500)


class RevisionEntry(_Entry):
    version: int
    headline: str
    body: str
    sources: list[str] = Field(validation_alias=AliasChoices("sources", "source_slugs"))
    key_event: bool
    editor: Annotated[str, BeforeValidator(_email)]
    created_at: AwareDatetime


class UpdateEntry(_Entry):
    author: Annotated[str, BeforeValidator(_email)]
    headline: str
    body: str
    status: UpdateStatus
    key_event: bool
    pinned: bool
    correction: str
    sources: Annotated[list[str], BeforeValidator(_slugs)]
    publish_at: AwareDatetime | None
    published_at: AwareDatetime | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    edited_at: AwareDatetime | None
    deleted_at: AwareDatetime | None
    version: int = Field(ge=1)
    revisions: list[RevisionEntry]

    # What maps one to one onto columns of `updates`; the rest are links.
    LINKS: ClassVar[set[str]] = {"author", "sources", "revisions"}


def _filename(media: Any) -> Any:
    return media.filename if isinstance(media, Media) else media


class VariantEntry(_Entry):
    filename: str = Field(pattern=FILENAME_RE.pattern)
    width: int = Field(ge=1)
    content_type: str
    size: int = Field(ge=0)


class MediaEntry(_Entry):
    """A photo an update or the lead shows: its words, and its files under media/."""

    filename: str = Field(pattern=FILENAME_RE.pattern)
    key: str = Field(max_length=64)
    content_type: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    variants: list[VariantEntry] = Field(min_length=1)
    alt: str
    caption: str
    credit: str = Field(max_length=200)
    uploader: Annotated[str, BeforeValidator(_email)]
    created_at: AwareDatetime
    updated_at: AwareDatetime


class SeriesEntry(_Entry):
    """The series the briefing is an edition of: joined by slug where it exists, else made."""

    slug: str
    title: str
    description: str


class BriefingEntry(_Entry):
    slug: str
    title: str
    standfirst: str
    summary: str
    status: BriefingStatus
    timezone: str
    language: str
    opened_at: AwareDatetime | None
    ended_at: AwareDatetime | None
    created_at: AwareDatetime
    lead_media: Annotated[str | None, BeforeValidator(_filename)] = None
    series: SeriesEntry | None = None


class ArchiveDocument(_Entry):
    format: str
    format_version: int
    exported_at: AwareDatetime
    briefing: BriefingEntry
    people: list[Person]
    sources: list[SourceEntry]
    updates: list[UpdateEntry]
    media: list[MediaEntry] = []


def archive_document(briefing: Briefing) -> ArchiveDocument:
    """Everything needed to restore `briefing` elsewhere."""
    items = list(
        db.session.scalars(
            select(Update).where(Update.briefing_id == briefing.id).order_by(Update.id)
        )
    )
    photos = {m.filename: m for i in items for m in i.media}
    if briefing.lead_media is not None:
        photos[briefing.lead_media.filename] = briefing.lead_media
    people = {p.email: p for i in items for p in [i.author, *(r.editor for r in i.revisions)]}
    people.update({m.uploader.email: m.uploader for m in photos.values()})
    named = {s for i in items for r in i.revisions for s in r.source_slugs}
    named |= {s.slug for i in items for s in i.sources}
    sources = db.session.scalars(select(Source).where(Source.slug.in_(named)).order_by(Source.slug))
    entries = []
    for item in items:
        entry = UpdateEntry.model_validate(item)
        revisions = sorted(entry.revisions, key=lambda r: r.version)
        entries.append(entry.model_copy(update={"revisions": revisions}))
    return ArchiveDocument(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        exported_at=utcnow(),
        briefing=BriefingEntry.model_validate(briefing),
        people=[Person.model_validate(p) for p in people.values()],
        sources=[SourceEntry.model_validate(s) for s in sources],
        updates=entries,
        media=[MediaEntry.model_validate(m) for m in photos.values()],
    )


def parse_archive_document(data: bytes | str) -> ArchiveDocument:
    """The archive's JSON, checked field by field; raises Invalid naming each field."""
    try:
        document = ArchiveDocument.model_validate_json(data)
    except ValidationError as error:
        raise Invalid(
            [
                FieldError(".".join(str(part) for part in e["loc"]) or "archive", e["msg"])
                for e in error.errors()
            ]
        ) from None
    if document.format != FORMAT or document.format_version not in READABLE_VERSIONS:
        raise Invalid.field(
            "format",
            f"Not a {FORMAT} of a version this instance reads "
            f"({', '.join(map(str, sorted(READABLE_VERSIONS)))}).",
        )
    return document


@verb
def restore_briefing(
    document: ArchiveDocument,
    *,
    actor: Actor,
    storage: MediaStorage,
    media_file: Callable[[str], bytes],
    slug: str | None = None,
) -> Briefing:
    """Create the archived briefing here, under `slug` or its own. One transaction: a
    document that breaks a rule leaves nothing behind. Photos come from `media_file(name)`
    (the archive's media/ folder): each file must decode as the image it says it is, and
    goes into `storage` unless this instance holds the photo already."""
    require_role(actor, Role.ADMIN, _l("import briefings"))
    entry = document.briefing
    errors = checks.Collector()
    slug = checks.slug(errors, "slug", slug or entry.slug)
    if not errors.errors and slug_taken(slug):
        errors.add("slug", f"The slug {slug!r} is already in use; import under another one.")
    title = checks.line(errors, "briefing.title", entry.title, max_length=TITLE_MAX, required=True)
    summary = checks.text(errors, "briefing.summary", entry.summary, max_length=SUMMARY_MAX)
    checks.timezone(errors, "briefing.timezone", entry.timezone)
    checks.language(errors, "briefing.language", entry.language)
    if entry.series is not None:
        checks.slug(errors, "briefing.series.slug", entry.series.slug)
        checks.line(
            errors,
            "briefing.series.title",
            entry.series.title,
            max_length=SERIES_TITLE_MAX,
            required=True,
        )
        checks.line(
            errors,
            "briefing.series.description",
            entry.series.description,
            max_length=SERIES_DESCRIPTION_MAX,
        )
    people = {normalize_email(p.email): p for p in document.people}
    sources = {s.slug: s for s in document.sources}
    for n, item in enumerate(document.updates):
        field = f"updates.{n}"
        checks.text(errors, f"{field}.body", item.body, max_length=BODY_MAX, required=True)
        checks.line(errors, f"{field}.headline", item.headline, max_length=HEADLINE_MAX)
        named = [(item.author, f"{field}.author")] + [
            (r.editor, f"{field}.revisions.{k}.editor") for k, r in enumerate(item.revisions)
        ]
        for email, where in named:
            if normalize_email(email) not in people:
                errors.add(where, f"{email} is not among the archive's people.")
        for source_slug in item.sources + [s for r in item.revisions for s in r.sources]:
            if source_slug not in sources:
                errors.add(f"{field}.sources", f"{source_slug} is not among the archive's sources.")
    if sum(item.pinned for item in document.updates) > 1:
        errors.add("updates", "At most one update may be pinned.")
    files = _checked_media_files(errors, document, people, media_file)
    errors.raise_if_any()

    users = {email: _person(person) for email, person in people.items()}
    written: list[str] = []
    try:
        return _restore(
            document, entry, slug, title, summary, users, sources, storage, files, written
        )
    except BaseException:
        for name in written:
            storage.delete(name)
        raise


def _checked_media_files(
    errors: checks.Collector,
    document: ArchiveDocument,
    people: dict[str, Person],
    media_file: Callable[[str], bytes],
) -> dict[str, bytes]:
    """Every file of every photo the archive names, read and decoded; never trusted."""
    files: dict[str, bytes] = {}
    for n, photo in enumerate(document.media):
        field = f"media.{n}"
        if normalize_email(photo.uploader) not in people:
            errors.add(f"{field}.uploader", f"{photo.uploader} is not among the archive's people.")
        for variant in photo.variants:
            try:
                data = media_file(variant.filename)
                images.check(data, variant.content_type)
            except (KeyError, images.ImageRefused) as error:
                errors.add(f"{field}.variants", f"{variant.filename}: {error}")
                continue
            files[variant.filename] = data
    return files


def _restore(
    document: ArchiveDocument,
    entry: BriefingEntry,
    slug: str,
    title: str,
    summary: str,
    users: dict[str, User],
    sources: dict[str, SourceEntry],
    storage: MediaStorage,
    files: dict[str, bytes],
    written: list[str],
) -> Briefing:
    photos: dict[str, Media] = {}
    for photo in document.media:
        held = db.session.scalar(select(Media).where(Media.filename == photo.filename).limit(1))
        if held is None:
            for variant in photo.variants:
                if storage.put(variant.filename, files[variant.filename]):
                    written.append(variant.filename)
            held = Media(
                **photo.model_dump(exclude={"uploader", "variants"}),
                variants=[v.model_dump() for v in photo.variants],
                uploader_id=users[normalize_email(photo.uploader)].id,
            )
            db.session.add(held)
            db.session.flush()
        photos[photo.filename] = held
    source_rows = {source_slug: _source(entry) for source_slug, entry in sources.items()}
    lead = photos.get(entry.lead_media) if entry.lead_media else None
    series = _series(entry.series) if entry.series else None
    briefing = Briefing(
        **entry.model_dump(exclude={"slug", "title", "summary", "lead_media", "series"}),
        lead_media_id=lead.id if lead else None,
        series_id=series.id if series else None,
        slug=slug,
        title=title,
        summary=summary,
        summary_html=render_markdown(summary),
        version=0,
        changed_at=utcnow(),
    )
    db.session.add(briefing)
    db.session.flush()
    for item in document.updates:
        rendered = render_body(checks.Collector(), item.body, publishing=False)
        row = Update(
            **item.model_dump(exclude=UpdateEntry.LINKS),
            briefing_id=briefing.id,
            author_id=users[normalize_email(item.author)].id,
            body_html=rendered.html,
            body_text=rendered.text,
        )
        row.media_links = media_links(rendered.media)
        row.source_links = [
            UpdateSource(source=source_rows[s], position=n) for n, s in enumerate(item.sources)
        ]
        row.revisions = [
            Revision(
                **r.model_dump(exclude={"sources", "editor"}),
                source_slugs=list(r.sources),
                editor_id=users[normalize_email(r.editor)].id,
            )
            for r in item.revisions
        ]
        db.session.add(row)
    refresh_credits(briefing)
    record_change(briefing, ChangeKind.BRIEFING_CHANGED)
    if series is not None:  # a new edition in its lineup: the series' pages move on
        touch_series(series.id, now=utcnow(), lineup=True)
    db.session.commit()
    return briefing


def _person(person: Person) -> User:
    """The account with this email, or a new inactive contributor who cannot sign in."""
    email = normalize_email(person.email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            display_name=person.display_name,
            role=Role.CONTRIBUTOR,
            active=False,
            # Matches no password: the account exists for bylines until an admin acts.
            password_hash=f"!imported-{secrets.token_hex(16)}",
        )
        db.session.add(user)
        db.session.flush()
    return user


def _series(entry: SeriesEntry) -> Series:
    """The series with this slug here, or a new one as the archive describes it."""
    series = db.session.scalar(select(Series).where(Series.slug == entry.slug))
    if series is None:
        now = utcnow()
        series = Series(
            slug=entry.slug,
            title=entry.title,
            description=entry.description,
            created_at=now,
            changed_at=now,
        )
        db.session.add(series)
        db.session.flush()
    return series


def _source(entry: SourceEntry) -> Source:
    """The source with this slug here, or a new one as the archive describes it."""
    source = db.session.scalar(select(Source).where(Source.slug == entry.slug))
    if source is None:
        source = Source(slug=entry.slug, name=entry.name, url=entry.url)
        db.session.add(source)
        db.session.flush()
    return source


def published_timeline(briefing: Briefing) -> list[Update]:
    """Every published update, newest first: the archive's static page shows them all."""
    return list(
        db.session.scalars(
            select(Update)
            .where(Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED)
            .order_by(Update.published_at.desc(), Update.id.desc())
        )
    )


def write_archive(
    path: Path,
    document: ArchiveDocument,
    reading_copy: str,
    media_file: Callable[[str], bytes],
) -> None:
    """Write the archive to `path` whole or not at all: a crash leaves no half file. The
    photos' files, read by `media_file(name)`, go under media/."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(DOCUMENT_NAME, document.model_dump_json(indent=2))
            zf.writestr(READING_COPY_NAME, reading_copy)
            for photo in document.media:
                for variant in photo.variants:
                    zf.writestr(MEDIA_FOLDER + variant.filename, media_file(variant.filename))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_archive(path: Path) -> ArchiveDocument:
    """The document inside an archive file; raises Invalid for anything that is not one."""
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo(DOCUMENT_NAME)
            except KeyError:
                raise Invalid.field("archive", f"{DOCUMENT_NAME} is missing.") from None
            if info.file_size > DOCUMENT_MAX:
                raise Invalid.field("archive", f"{DOCUMENT_NAME} is too large to be one.")
            data = zf.read(info)
    except (zipfile.BadZipFile, OSError) as error:
        raise Invalid.field("archive", f"Not a readable archive: {error}.") from None
    return parse_archive_document(data)


def archived_media(zf: zipfile.ZipFile) -> Callable[[str], bytes]:
    """Reads a photo's file from an open archive; KeyError for one it does not hold."""

    def read(name: str) -> bytes:
        info = zf.getinfo(MEDIA_FOLDER + name)
        if info.file_size > MEDIA_FILE_MAX:
            raise KeyError(f"{name} is too large to be a photo")
        return zf.read(info)

    return read
