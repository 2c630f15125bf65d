"""RSS 2.0 from a feed document, with feedgen. Never queries.

RSS has no element for a name-only person (`<author>` wants an email, and feedgen drops
authors without one), so the editor is `dc:creator` and each wire agency `dc:contributor`
(Dublin Core, which every major reader understands), and the agencies are also `<category>`
entries under their own domain.
"""

from __future__ import annotations

import html

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from briefing.feeds.atom import ATOM_NS
from briefing.feeds.model import FeedDocument

MEDIA_TYPE = "application/rss+xml"


class _Hub(BaseExtension):
    """`<atom:link rel="hub">` in the channel: feedgen writes only rel="self" there."""

    def __init__(self) -> None:
        self.href = ""

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed.find("channel")
        etree.SubElement(channel, f"{{{ATOM_NS}}}link", href=self.href, rel="hub")
        return feed


def build(document: FeedDocument) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media", atom=False, rss=True)
    fg.title(document.title)
    fg.description(document.subtitle)
    fg.updated(document.updated)  # lastBuildDate; feedgen would say "now"
    fg.copyright(document.rights)
    fg.generator("Briefing")
    if document.language:
        fg.language(document.language)
    fg.link(href=document.urls["rss"], rel="self", type=MEDIA_TYPE)
    # feedgen takes the channel's <link> from the last link given: the page, so add it last.
    fg.link(href=document.home_url, rel="alternate")
    if document.hub_url:
        fg.register_extension("hub", _Hub, atom=False, rss=True)
        fg.hub.href = document.hub_url

    for item in document.entries:
        entry = fg.add_entry(order="append")  # entries arrive newest first
        entry.id(item.id)  # guid, isPermaLink="false": the tag URI outlives any URL
        entry.title(item.title)
        entry.link(href=item.url)
        entry.published(item.published)
        if item.summary:
            entry.description(html.escape(item.summary))  # description is HTML too
        entry.content(item.content_html)  # content:encoded, the full text
        entry.dc.dc_creator(item.author.name)
        for source in item.sources:
            entry.dc.dc_contributor(source.name)
        for category in item.categories:
            entry.category(term=category.term, label=category.label, scheme=category.scheme)
        for source in item.sources:
            entry.category(term=source.slug, label=source.name, scheme=document.source_scheme)
        if item.image:
            image = item.image
            entry.enclosure(image.url, str(image.length), image.content_type)
            entry.media.content(
                url=image.url,
                type=image.content_type,
                medium="image",
                width=str(image.width),
                height=str(image.height),
            )
    return fg.rss_str(pretty=False)
