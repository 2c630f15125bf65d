"""A briefing as one static HTML file that opens from disk: the archive's reading copy.

The stylesheet is inlined and nothing is fetched, not even from this site; links (permalinks,
sources) point at the live site through `<base>`.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from briefing.models import Briefing
from briefing.models.base import utcnow
from briefing.services.archive import published_timeline


def briefing_snapshot(briefing: Briefing) -> str:
    """Needs an app context; makes its own request context, so it runs from the CLI too."""
    stylesheet = Path(current_app.static_folder or "static") / "css" / "site.css"
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
        return render_template(
            "archive/briefing.html",
            briefing=briefing,
            updates=published_timeline(briefing),
            sources=briefing.credited_sources,
            stylesheet=stylesheet.read_text(encoding="utf-8"),
            archived_at=utcnow(),
        )
