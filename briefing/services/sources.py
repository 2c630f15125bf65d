"""Verbs for the credited agencies."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Briefing, ChangeKind, Role, Source
from briefing.services import checks
from briefing.services.changes import record_change
from briefing.services.errors import NotFound
from briefing.services.idempotency import Idempotency, remember
from briefing.services.permissions import Actor, require_role
from briefing.services.transactions import verb

# The agencies a fresh database knows, per SPEC §1.
DEFAULT_SOURCES = (
    ("reuters", "Reuters", "https://www.reuters.com/"),
    ("afp", "AFP", "https://www.afp.com/"),
    ("ap", "AP", "https://apnews.com/"),
    ("dpa", "dpa", "https://www.dpa.com/"),
    ("efe", "EFE", "https://efe.com/"),
    ("ansa", "ANSA", "https://www.ansa.it/"),
    ("interfax-ukraine", "Interfax-Ukraine", "https://interfax.com.ua/"),
    ("ukrinform", "Ukrinform", "https://www.ukrinform.net/"),
    ("anadolu", "Anadolu Agency", "https://www.aa.com.tr/"),
    ("kyodo", "Kyodo News", "https://english.kyodonews.net/"),
    ("xinhua", "Xinhua", "https://english.news.cn/"),
    ("pa-media", "PA Media", "https://pa.media/"),
)


@verb
def seed_default_sources(*, actor: Actor) -> int:
    """Add the default agencies that are missing; returns how many were added."""
    require_role(actor, Role.ADMIN, _l("add sources"))
    existing = set(db.session.scalars(select(Source.slug)))
    added = 0
    for slug, name, url in DEFAULT_SOURCES:
        if slug not in existing:
            db.session.add(Source(slug=slug, name=name, url=url))
            added += 1
    db.session.commit()
    return added


@verb
def create_source(
    *, actor: Actor, slug: str, name: str, url: str, idempotency: Idempotency | None = None
) -> Source:
    """A new source; with `idempotency`, its key is stored with it (services/idempotency.py)."""
    require_role(actor, Role.ADMIN, _l("add sources"))
    errors = checks.Collector()
    slug = checks.slug(errors, "slug", slug, max_length=64)
    name = checks.line(errors, "name", name, max_length=120, required=True)
    url = checks.web_url(errors, "url", url)
    if not errors.errors and source_by_slug_or_none(slug) is not None:
        errors.add("slug", _("A source with slug %(slug)s already exists.", slug=repr(slug)))
    errors.raise_if_any()
    source = Source(slug=slug, name=name, url=url)
    db.session.add(source)
    remember(idempotency, actor, source)
    db.session.commit()
    return source


@verb
def change_source(source: Source, *, actor: Actor, name: str, url: str) -> Source:
    """Rename or re-point a source; its slug stays, since updates and feeds refer to it."""
    require_role(actor, Role.ADMIN, _l("change sources"))
    errors = checks.Collector()
    name = checks.line(errors, "name", name, max_length=120, required=True)
    url = checks.web_url(errors, "url", url)
    errors.raise_if_any()
    if (name, url) == (source.name, source.url):
        return source
    source.name, source.url = name, url
    # Pages and feeds crediting it are kept per version of their briefing: move those.
    credited = select(Briefing).where(Briefing.credited_sources.any(Source.id == source.id))
    for briefing in db.session.scalars(credited):
        record_change(briefing, ChangeKind.BRIEFING_CHANGED)
    db.session.commit()
    return source


def source_by_slug_or_none(slug: str) -> Source | None:
    return db.session.scalar(select(Source).where(Source.slug == slug))


def source_by_slug(slug: str) -> Source:
    source = source_by_slug_or_none(slug)
    if source is None:
        raise NotFound(_("No source with slug %(slug)s.", slug=repr(slug)))
    return source


def all_sources() -> list[Source]:
    return list(db.session.scalars(select(Source).order_by(Source.name)))
