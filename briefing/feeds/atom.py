"""Atom 1.0 (RFC 4287) from a feed document, with feedgen; RFC 6721 tombstones added to the
tree through feedgen's extension hook, before it is serialized. Never queries."""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from briefing.feeds.model import FeedDocument, Image

MEDIA_TYPE = "application/atom+xml"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
_ALTERNATE_TYPES = {"rss": "application/rss+xml", "json": "application/feed+json"}


class _Tombstones(BaseExtension):
    """`<at:deleted-entry ref="…" when="…">` for each recent retraction (RFC 6721 §3)."""

    def __init__(self) -> None:
        self.document: FeedDocument | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"at": TOMBSTONES_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        assert self.document is not None
        for tombstone in self.document.tombstones:
            deleted = etree.SubElement(
                feed,
                f"{{{TOMBSTONES_NS}}}deleted-entry",
                ref=tombstone.ref,
                when=tombstone.when.isoformat(),
            )
            comment = etree.SubElement(deleted, f"{{{TOMBSTONES_NS}}}comment")
            comment.text = "This update was retracted."
        return feed


class _EntryLink(BaseEntryExtension):
    """Say `rel="alternate" type="text/html"` on the entry's link: feedgen 1.0 drops both
    (it reads them back from the element it has just created). Add the first photo as
    `rel="enclosure"`, written here for the same reason."""

    def __init__(self) -> None:
        self.image: Image | None = None

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for link in entry.iterfind("link"):
            link.set("rel", "alternate")
            link.set("type", "text/html")
        if self.image is not None:
            etree.SubElement(
                entry,
                "link",
                rel="enclosure",
                href=self.image.url,
                type=self.image.content_type,
                length=str(self.image.length),
            )
        return entry


def build(document: FeedDocument) -> bytes:
    fg = FeedGenerator()
    fg.id(document.id)
    fg.title(document.title)
    fg.subtitle(document.subtitle)
    # feedgen defaults `updated` to now: always set it, or equal data give different bytes.
    fg.updated(document.updated)
    fg.author(name=document.author.name, uri=document.author.uri)
    fg.rights(document.rights)
    fg.generator("Briefing")
    if document.language:
        fg.language(document.language)
    fg.link(href=document.home_url, rel="alternate", type="text/html")
    fg.link(href=document.urls["atom"], rel="self", type=MEDIA_TYPE)
    for fmt, media_type in _ALTERNATE_TYPES.items():
        fg.link(href=document.urls[fmt], rel="alternate", type=media_type)
    if document.hub_url:
        fg.link(href=document.hub_url, rel="hub")
    fg.register_extension("links", BaseExtension, _EntryLink, atom=True, rss=False)
    if document.tombstones:
        fg.register_extension("tombstones", _Tombstones, atom=True, rss=False)
        fg.tombstones.document = document

    for item in document.entries:
        entry = fg.add_entry(order="append")  # entries arrive newest first
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(item.updated)
        entry.published(item.published)
        entry.author(name=item.author.name)
        entry.link(href=item.url)
        entry.links.image = item.image
        entry.content(item.content_html, type="html")
        for source in item.sources:
            entry.contributor(name=source.name, uri=source.url)
        for category in item.categories:
            entry.category(term=category.term, label=category.label, scheme=category.scheme)
    return fg.atom_str(pretty=False)
