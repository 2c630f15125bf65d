"""schema.org LiveBlogPosting for a live page and CreativeWorkSeries for a series, beside
their only caller (web/public.py): pure functions of already-loaded data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from briefing.models import Briefing, BriefingStatus, Media, Series, Update
from briefing.rendering.timefmt import iso


def live_blog_posting(
    briefing: Briefing,
    postings: Sequence[dict[str, Any]],
    *,
    page_url: str,
    site_name: str,
    photo_url: Callable[[Media], str],
    part_of: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`postings` are the page's updates as `blog_posting` makes them, each with the URL
    where the page shows it (`…#update-<id>`); `photo_url` gives a photo's absolute URL;
    `part_of` is the series of an edition (`creative_work_series`)."""
    started = briefing.opened_at or briefing.created_at
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": page_url,
        "url": page_url,
        "headline": briefing.title,
        "description": briefing.standfirst,
        "inLanguage": briefing.language,
        "datePublished": iso(started),
        "dateModified": iso(briefing.changed_at),
        "coverageStartTime": iso(started),
        "publisher": {"@type": "Organization", "name": site_name},
        "liveBlogUpdate": list(postings),
    }
    if part_of is not None:
        data["isPartOf"] = part_of
    if briefing.lead_media is not None:
        data["image"] = photo_url(briefing.lead_media)
    if briefing.status == BriefingStatus.ENDED and briefing.ended_at:
        data["coverageEndTime"] = iso(briefing.ended_at)
    return data


def creative_work_series(series: Series, *, url: str) -> dict[str, Any]:
    """A series as schema.org sees it: the editions' `isPartOf`, and the series page."""
    return {
        "@type": "CreativeWorkSeries",
        "@id": url,
        "url": url,
        "name": series.title,
        "description": series.description,
    }


def blog_posting(item: Update, *, url: str, photo_url: Callable[[Media], str]) -> dict[str, Any]:
    """One update as a BlogPosting: in the live page's list, and alone on its permalink."""
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": item.title_text,
        "datePublished": iso(item.published_at or item.created_at),
        "dateModified": iso(item.updated_at),
        "url": url,
        "articleBody": item.body_text,
    }
    if item.media:
        posting["image"] = [photo_url(photo) for photo in item.media]
    return posting
