"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from a feed document, by hand.

Wire credit that the format has no field for travels in the `_briefing` extension object
(JSON Feed §"Extensions": readers that do not know it ignore it):

- on the feed: `id` (the tag URI Atom uses), `rights`, `status` (live or ended),
  `ended_at`, `sources` (every agency credited: `slug`, `name`, `url`) and `retracted`
  (entries withdrawn in the last 48 hours: `id`, `date_retracted`);
- on each item: `credit` (the credit line), `key_event`, `sources`, and `briefing`
  (`title`, `url`) for the site-wide feed's readers.

Never queries.
"""

from __future__ import annotations

import json
from typing import Any

from briefing.feeds.model import Credit, FeedDocument

MEDIA_TYPE = "application/feed+json"
VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_briefing"


def build(document: FeedDocument) -> bytes:
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": document.title,
        "home_page_url": document.home_url,
        "feed_url": document.urls["json"],
        "description": document.subtitle,
        "authors": [{"name": document.author.name, "url": document.author.uri}],
    }
    if document.language:
        feed["language"] = document.language
    if document.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": document.hub_url}]
    if document.ended_at is not None:
        feed["expired"] = True  # the coverage is over; a reopened briefing says false again
    feed[EXTENSION] = {
        "id": document.id,
        "rights": document.rights,
        "status": document.status,
        "ended_at": document.ended_at.isoformat() if document.ended_at else None,
        "sources": [_source(s) for s in document.sources],
        "retracted": [
            {"id": t.ref, "date_retracted": t.when.isoformat()} for t in document.tombstones
        ],
    }
    feed["items"] = [
        {
            "id": item.id,
            "url": item.url,
            "title": item.title,
            "content_html": item.content_html,
            "summary": item.summary,
            "date_published": item.published.isoformat(),
            "date_modified": item.updated.isoformat(),
            "authors": [{"name": item.author.name}],
            "tags": [c.label for c in item.categories],
            "language": item.language,
            **({"image": item.image.url} if item.image else {}),
            EXTENSION: {
                "credit": item.credit,
                "key_event": item.key_event,
                "sources": [_source(s) for s in item.sources],
                "briefing": {"title": item.briefing_title, "url": item.briefing_url},
            },
        }
        for item in document.entries
    ]
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode()


def _source(source: Credit) -> dict[str, str]:
    return {"slug": source.slug, "name": source.name, "url": source.url}
