"""The plain feed document: what every format says, built from already-fetched data.

A pure function of loaded objects and the site's settings, so the builders (atom.py,
rss.py, jsonfeed.py) only translate it into bytes and never query. Every text in it is safe
to put in XML and every URL in it is absolute.

Ids are RFC 4151 `tag:` URIs under FEED_TAG_AUTHORITY, made from database ids only: they
never change with SITE_URL, a slug, a headline or an edit, so a reader that has seen an entry
recognizes it after any of those change.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import lxml.html

from briefing.models import Briefing, BriefingStatus, Media, Series, Source, Update
from briefing.rendering.credit import credit_line, rights_line
from briefing.rendering.markdown import excerpt
from briefing.rendering.timefmt import clock_with_zone, day

FORMATS = ("rss", "atom", "json")
# How long an Atom feed keeps announcing a retraction (RFC 6721 tombstone).
TOMBSTONE_WINDOW = timedelta(hours=48)
# Appended to a feed's id for its key-events-only companion.
KEY_EVENTS_ID = "/key-events"
SUMMARY_LENGTH = 280
# An RFC 4151 tagging entity: a domain name or email address, a comma, and a date.
TAG_AUTHORITY = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
    r"|[^@\s,:]+@[a-z0-9.-]+),\d{4}(?:-\d{2}(?:-\d{2})?)?$"
)
# Characters XML 1.0 cannot carry at all (lxml refuses them): C0 controls but tab and
# newlines, surrogates, U+FFFE/U+FFFF. C1 controls and DEL are legal but never meant; they
# go too. JSON gets the same text, so every format says the same thing.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A cheap test before parsing: does any href or src lack an http(s) scheme?
_MAYBE_RELATIVE = re.compile(r"""\s(?:href|src)\s*=\s*(?!["']?https?://)""", re.IGNORECASE)


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Site:
    """The settings feeds depend on, read from the app's config once, and the app's
    absolute-URL helper (`link(endpoint, **values)`, web/routing.py), so feeds link to the
    same URLs as the pages and the API."""

    url: str
    name: str
    tag_authority: str
    link: Callable[..., str]
    hub_url: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], link: Callable[..., str]) -> Site:
        authority = str(config["FEED_TAG_AUTHORITY"]).strip().lower()
        if not TAG_AUTHORITY.match(authority):
            raise ValueError(
                f"FEED_TAG_AUTHORITY {authority!r} is not an RFC 4151 tagging entity "
                "such as 'news.example.org,2026'"
            )
        return cls(
            url=str(config["SITE_URL"]).rstrip("/"),
            name=str(config["SITE_NAME"]),
            tag_authority=authority,
            link=link,
            hub_url=config.get("WEBSUB_HUB_URL") or None,
        )

    def tag(self, specific: str) -> str:
        return f"tag:{self.tag_authority}:{specific}"

    def home_url(self) -> str:
        return self.link("public.index")

    def briefing_url(self, slug: str) -> str:
        return self.link("public.briefing_page", slug=slug)

    def update_url(self, slug: str, update_id: int) -> str:
        return self.link("public.update_page", slug=slug, update_id=update_id)

    def feed_url(self, slug: str | None, fmt: str) -> str:
        """A briefing's feed, or the site-wide one when `slug` is None."""
        if slug is None:
            return self.link("feeds.site_feed", fmt=fmt)
        return self.link("feeds.briefing_feed", slug=slug, fmt=fmt)

    def feed_urls(self, endpoint: str, slug: str) -> dict[str, str]:
        """Format → URL of a briefing's or series' feed (`endpoint` in web/feeds.py)."""
        return {fmt: self.link(f"feeds.{endpoint}", slug=slug, fmt=fmt) for fmt in FORMATS}

    def series_url(self, slug: str) -> str:
        return self.link("public.series_page", slug=slug)

    def media_url(self, filename: str) -> str:
        return self.link("media.media_file", name=filename)

    def entry_id(self, update_id: int) -> str:
        return self.tag(f"update/{update_id}")


@dataclass(frozen=True)
class Person:
    name: str
    uri: str | None = None


@dataclass(frozen=True)
class Credit:
    """A wire agency an entry or feed credits."""

    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class Image:
    """An entry's first photo: RSS enclosure and media:content, Atom enclosure link, JSON
    Feed image."""

    url: str
    content_type: str
    width: int
    height: int
    length: int  # bytes
    alt: str


@dataclass(frozen=True)
class Entry:
    id: str
    url: str
    title: str
    summary: str
    # Sanitized HTML with absolute URLs; ends with the credit line when there is one.
    content_html: str
    published: datetime
    updated: datetime
    author: Person
    sources: tuple[Credit, ...]
    credit: str
    key_event: bool
    categories: tuple[Category, ...]
    language: str
    briefing_title: str
    briefing_url: str
    image: Image | None = None


@dataclass(frozen=True)
class Tombstone:
    """An entry retracted recently: aggregators that took it learn it was withdrawn."""

    ref: str
    when: datetime


@dataclass(frozen=True)
class FeedDocument:
    id: str
    title: str
    subtitle: str
    home_url: str
    # Format → URL of this feed in that format ("self" for one, "alternate" for the others).
    urls: Mapping[str, str]
    updated: datetime
    author: Person
    rights: str
    sources: tuple[Credit, ...]
    language: str | None
    entries: tuple[Entry, ...]
    tombstones: tuple[Tombstone, ...]
    hub_url: str | None
    # Scheme of the categories that name sources (RSS `<category domain>`).
    source_scheme: str
    ended_at: datetime | None = None
    status: str = BriefingStatus.LIVE.value

    @property
    def valid_until(self) -> datetime | None:
        """When the oldest tombstone leaves the window and these bytes go stale."""
        if not self.tombstones:
            return None
        return min(t.when for t in self.tombstones) + TOMBSTONE_WINDOW


def briefing_feed(
    briefing: Briefing,
    updates: Sequence[Update],
    retracted: Sequence[Update],
    *,
    site: Site,
    key_events: bool = False,
) -> FeedDocument:
    """One briefing's feed: its newest updates (or key events), its recent retractions,
    its credits."""
    sources = tuple(_credit(s) for s in briefing.credited_sources)
    title = xml_text(briefing.title)
    subtitle = xml_text(briefing.standfirst) or f"Live coverage: {title}"
    if key_events:
        subtitle = f"The key events of {title}."
    ended_at = briefing.ended_at if briefing.status == BriefingStatus.ENDED else None
    if ended_at is not None:
        subtitle += (
            f" This briefing ended on {day(ended_at, briefing.timezone)}"
            f" at {clock_with_zone(ended_at, briefing.timezone)}."
        )
    return FeedDocument(
        id=site.tag(f"briefing/{briefing.id}{KEY_EVENTS_ID if key_events else ''}"),
        title=f"{title}: key events" if key_events else title,
        subtitle=subtitle,
        home_url=site.briefing_url(briefing.slug),
        urls=site.feed_urls(
            "briefing_key_events" if key_events else "briefing_feed", briefing.slug
        ),
        updated=briefing.changed_at,
        author=Person(xml_text(site.name), site.url),
        rights=_rights(site, sources),
        sources=sources,
        language=briefing.language,
        entries=tuple(_entry(u, briefing, site, in_site_feed=False) for u in updates),
        tombstones=tuple(Tombstone(site.entry_id(u.id), _retracted_at(u)) for u in retracted),
        hub_url=site.hub_url,
        source_scheme=site.tag("source"),
        ended_at=ended_at,
        status=briefing.status.value,
    )


def series_feed(
    series: Series,
    editions: Sequence[Briefing],
    updates: Sequence[Update],
    retracted: Sequence[Update],
    sources: Sequence[Source],
    *,
    site: Site,
    key_events: bool = False,
) -> FeedDocument:
    """A series' feed: the newest updates (or key events) across its editions, newest
    first, each entry naming its edition."""
    credits = tuple(_credit(s) for s in sources)
    title = xml_text(series.title)
    subtitle = xml_text(series.description) or f"Every edition of {title}."
    if key_events:
        subtitle = f"The key events of every edition of {title}."
    return FeedDocument(
        id=site.tag(f"series/{series.id}{KEY_EVENTS_ID if key_events else ''}"),
        title=f"{title}: key events" if key_events else title,
        subtitle=subtitle,
        home_url=site.series_url(series.slug),
        urls=site.feed_urls("series_key_events" if key_events else "series_feed", series.slug),
        updated=series.changed_at,
        author=Person(xml_text(site.name), site.url),
        rights=_rights(site, credits),
        sources=credits,
        # The newest edition's: editions of one story are written in one language.
        language=editions[0].language if editions else None,
        entries=tuple(
            _entry(u, u.briefing, site, in_site_feed=True, titled=False) for u in updates
        ),
        tombstones=tuple(Tombstone(site.entry_id(u.id), _retracted_at(u)) for u in retracted),
        hub_url=site.hub_url,
        source_scheme=site.tag("source"),
    )


def site_feed(
    updates: Sequence[Update],
    retracted: Sequence[Update],
    sources: Sequence[Source],
    *,
    updated: datetime,
    site: Site,
) -> FeedDocument:
    """The site-wide feed: the newest updates across live and recently ended briefings."""
    credits = tuple(_credit(s) for s in sources)
    return FeedDocument(
        id=site.tag("site"),
        title=f"{xml_text(site.name)}: all briefings",
        subtitle=f"The latest updates from every live briefing on {xml_text(site.name)}.",
        home_url=site.home_url(),
        urls={fmt: site.feed_url(None, fmt) for fmt in FORMATS},
        updated=updated,
        author=Person(xml_text(site.name), site.url),
        rights=_rights(site, credits),
        sources=credits,
        language=None,
        entries=tuple(_entry(u, u.briefing, site, in_site_feed=True) for u in updates),
        tombstones=tuple(Tombstone(site.entry_id(u.id), _retracted_at(u)) for u in retracted),
        hub_url=site.hub_url,
        source_scheme=site.tag("source"),
    )


def _entry(
    item: Update, briefing: Briefing, site: Site, *, in_site_feed: bool, titled: bool = True
) -> Entry:
    """`in_site_feed`: in a feed of several briefings, where an entry names its own, in its
    title too unless `titled` is false (a series' feed, whose editions tell one story)."""
    published = item.published_at or item.created_at
    updated = max(published, item.edited_at or published)
    url = site.update_url(briefing.slug, item.id)
    sources = tuple(_credit(s) for s in item.sources)
    credit = credit_line([s.name for s in sources])
    title = xml_text(item.title_text)
    if not title:  # a body of images alone: no words to quote
        title = f"Update at {clock_with_zone(published, briefing.timezone)}"
    categories = []
    if item.key_event:
        categories.append(Category("key-event", "Key event", site.tag("category")))
    if in_site_feed:
        categories.append(Category(briefing.slug, xml_text(briefing.title), site.tag("briefing")))
    if in_site_feed and titled:
        # Feed readers show titles, seldom categories: say which briefing it comes from
        # (a dash, as briefing titles often have a colon of their own).
        title = f"{xml_text(briefing.title)} — {title}"
    return Entry(
        id=site.entry_id(item.id),
        url=url,
        title=title,
        summary=excerpt(xml_text(item.body_text), SUMMARY_LENGTH),
        content_html=_content(item, url, credit),
        published=published,
        updated=updated,
        author=Person(xml_text(item.author.display_name)),
        sources=sources,
        credit=credit,
        key_event=item.key_event,
        categories=tuple(categories),
        language=briefing.language,
        briefing_title=xml_text(briefing.title),
        briefing_url=site.briefing_url(briefing.slug),
        image=_image(item.media[0], site) if item.media else None,
    )


def _image(photo: Media, site: Site) -> Image:
    return Image(
        url=site.media_url(photo.filename),
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        length=photo.size,
        alt=xml_text(photo.alt),
    )


def _content(item: Update, url: str, credit: str) -> str:
    """The body as readers see it on the page, with the correction note and credit line."""
    parts = [absolute_html(feed_html(xml_text(item.body_html)), url)]
    if item.correction:
        note = html.escape(xml_text(item.correction))
        parts.append(f"<p><strong>Correction:</strong> {note}</p>")
    if credit:
        parts.append(f"<p>{html.escape(credit)}</p>")
    return "\n".join(parts)


def feed_html(fragment: str) -> str:
    """The body as a feed reader can show it: a photo as one plain <img> (readers neither
    load our srcset nor pick a <source>), an embed as a link to the original."""
    if "<figure" not in fragment:
        return fragment
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for picture in root.xpath("//figure[@class='photo']/picture"):
        # lxml's HTML parser knows no <source>, so the <img> may sit inside one: lift it.
        (img,) = picture.xpath(".//img")
        for name in ("srcset", "sizes", "loading", "decoding", "fetchpriority"):
            img.attrib.pop(name, None)
        img.tail = None
        picture.getparent().replace(picture, img)
    for embed in root.xpath("//figure[@data-embed]"):
        (link,) = embed.xpath(".//a[@href]")
        label = embed.get("data-embed-label", "")
        paragraph = lxml.html.Element("p")
        anchor = lxml.html.Element("a", href=link.get("href"))
        anchor.text = f"{label}: {link.get('href')}"
        paragraph.append(anchor)
        paragraph.tail = embed.tail
        embed.getparent().replace(embed, paragraph)
    serialized = lxml.html.tostring(root, encoding="unicode")
    return serialized[len("<div>") : -len("</div>")]


def absolute_html(fragment: str, base: str) -> str:
    """Resolve every relative href and src in a sanitized fragment against `base`.

    Feed readers show entries away from our pages, where relative URLs point nowhere (and
    few honour xml:base). Most bodies link only to http(s) URLs and skip the parse.
    """
    if not _MAYBE_RELATIVE.search(fragment):
        return fragment
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    # A URL that cannot be resolved (say, a broken IPv6 host) is dropped, not left relative.
    root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    serialized = lxml.html.tostring(root, encoding="unicode")
    return serialized[len("<div>") : -len("</div>")]


def _credit(source: Source) -> Credit:
    return Credit(source.slug, xml_text(source.name), xml_text(source.url))


def _rights(site: Site, sources: Sequence[Credit]) -> str:
    """Names the site and every agency used."""
    return rights_line(xml_text(site.name), [s.name for s in sources])


def _retracted_at(item: Update) -> datetime:
    return item.deleted_at or item.updated_at
