"""What the API says about briefings, updates and sources, and the JSON Schema of each,
side by side so that the two change together (the OpenAPI document uses the schemas)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app

from briefing.models import Briefing, BriefingStatus, Source, Update, UpdateStatus
from briefing.rendering.timefmt import iso
from briefing.services.queries import Page

T = TypeVar("T")


def briefing_json(briefing: Briefing) -> dict[str, Any]:
    return {
        "slug": briefing.slug,
        "title": briefing.title,
        "standfirst": briefing.standfirst,
        "summary": briefing.summary,
        "status": briefing.status.value,
        "timezone": briefing.timezone,
        "language": briefing.language,
        "opened_at": _time(briefing.opened_at),
        "ended_at": _time(briefing.ended_at),
        "version": briefing.version,
        "url": _site_url(f"/briefings/{briefing.slug}"),
    }


def update_json(item: Update) -> dict[str, Any]:
    slug = item.briefing.slug
    return {
        "id": item.id,
        "briefing": slug,
        "headline": item.headline,
        "body": item.body,
        "body_html": item.body_html,
        "sources": [source.slug for source in item.sources],
        "credit": item.credit,
        "key_event": item.key_event,
        "pinned": item.pinned,
        "status": item.status.value,
        "published_at": _time(item.published_at),
        "updated_at": _time(item.updated_at),
        "version": item.version,
        "url": _site_url(f"/briefings/{slug}/updates/{item.id}"),
        "correction": item.correction,
    }


def source_json(source: Source) -> dict[str, Any]:
    return {"slug": source.slug, "name": source.name, "url": source.url}


def page_json(page: Page[T], represent: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """One page of a list; `next` is the cursor of the following page."""
    return {"items": [represent(item) for item in page.items], "next": page.next_cursor}


def _time(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _site_url(path: str) -> str:
    return str(current_app.config["SITE_URL"]) + path


# JSON Schemas ----------------------------------------------------------------------------


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


TEXT: dict[str, Any] = {"type": "string"}
URL: dict[str, Any] = {"type": "string", "format": "uri"}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
TIME_OR_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
SLUG: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}

BRIEFING_SCHEMA = _object(
    {
        "slug": SLUG,
        "title": TEXT,
        "standfirst": TEXT,
        "summary": {**TEXT, "description": "Markdown: the key-developments box."},
        "status": {"type": "string", "enum": [s.value for s in BriefingStatus]},
        "timezone": {**TEXT, "description": "IANA name, such as Europe/Kyiv."},
        "language": {**TEXT, "description": "BCP 47 tag, such as en or en-GB."},
        "opened_at": TIME_OR_NULL,
        "ended_at": TIME_OR_NULL,
        "version": {"type": "integer", "description": "Bumped by every change."},
        "url": {**URL, "description": "The public live page."},
    }
)

UPDATE_SCHEMA = _object(
    {
        "id": {"type": "integer"},
        "briefing": {**SLUG, "description": "The slug of the briefing."},
        "headline": TEXT,
        "body": {**TEXT, "description": "Markdown, as written."},
        "body_html": {**TEXT, "description": "Sanitized HTML rendered from the body."},
        "sources": {"type": "array", "items": SLUG, "description": "Credited source slugs."},
        "credit": {**TEXT, "description": "The credit line, e.g. 'With reporting by Reuters'."},
        "key_event": {"type": "boolean"},
        "pinned": {"type": "boolean"},
        "status": {"type": "string", "enum": [s.value for s in UpdateStatus]},
        "published_at": TIME_OR_NULL,
        "updated_at": TIME,
        "version": {"type": "integer", "description": "Send it back when editing."},
        "url": {**URL, "description": "The public permalink."},
        "correction": {
            **TEXT,
            "description": "Public correction note shown under an edited update ('' if none).",
        },
    }
)

SOURCE_SCHEMA = _object({"slug": SLUG, "name": TEXT, "url": URL})
