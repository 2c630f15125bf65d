"""A briefing as one static HTML file that opens from disk: the archive's reading copy.

The stylesheet is inlined, photos come from the archive's own media/ folder beside the file,
and nothing else is fetched; links (permalinks, sources) lead to the live site.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from lxml import html

from briefing.models import Briefing
from briefing.models.base import utcnow
from briefing.services.archive import published_timeline
from briefing.services.media import MEDIA_PATH
from briefing.web.i18n import speaking


def briefing_snapshot(briefing: Briefing) -> str:
    """Needs an app context; makes its own request context, so it runs from the CLI too."""
    stylesheet = Path(current_app.static_folder or "static") / "css" / "site.css"
    with (
        current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]),
        speaking(briefing.language),
    ):
        page = render_template(
            "archive/briefing.html",
            briefing=briefing,
            updates=published_timeline(briefing),
            sources=briefing.credited_sources,
            stylesheet=stylesheet.read_text(encoding="utf-8"),
            archived_at=utcnow(),
        )
    return _offline(page, current_app.config["SITE_URL"])


def _offline(page: str, site_url: str) -> str:
    """Photos from media/ beside the file; site links made absolute, to the live site."""
    document = html.document_fromstring(page)
    for element in document.iter("img", "source"):
        if element.get("src"):
            element.set("src", _archived(element.get("src", "")))
        if element.get("srcset"):
            candidates = (
                part.strip().split(" ", 1) for part in element.get("srcset", "").split(",")
            )
            element.set(
                "srcset", ", ".join(" ".join([_archived(c[0]), *c[1:]]) for c in candidates)
            )
    for link in document.iter("a"):
        href = link.get("href", "")
        if href.startswith("/") and not href.startswith("//"):
            link.set("href", site_url + href)
    return "<!doctype html>\n" + html.tostring(document, encoding="unicode")


def _archived(url: str) -> str:
    path = urlsplit(url).path
    return "media/" + path.removeprefix(MEDIA_PATH) if path.startswith(MEDIA_PATH) else url
