"""Field rules shared by the service verbs. Each raises Invalid naming the field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from briefing.models.base import utcnow
from briefing.rendering.markdown import clean_text
from briefing.rendering.timefmt import is_valid_timezone
from briefing.services.errors import FieldError, Invalid

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# BCP 47 in the shape we accept: en, en-GB, uk, pt-BR, zh-Hant-TW …
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
EARLIEST = datetime(1990, 1, 1).astimezone()


class Collector:
    """Gathers every field error of one input before raising, so a form shows them all."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


# Marks a keyword argument the caller did not give, where None is a meaningful value.
UNSET: Any = object()


def line(
    errors: Collector, field: str, value: str, *, max_length: int, required: bool = False
) -> str:
    """Single-line text (titles, headlines, names): runs of whitespace become one space."""
    single = " ".join(clean_text(value).split())
    return text(errors, field, single, max_length=max_length, required=required)


def text(
    errors: Collector, field: str, value: str, *, max_length: int, required: bool = False
) -> str:
    value = clean_text(value).strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(
            field,
            _(
                "Must be at most %(max)s characters (got %(got)s).",
                max=format(max_length, ","),
                got=format(len(value), ","),
            ),
        )
    return value


def slug(errors: Collector, field: str, value: str, *, max_length: int = 80) -> str:
    value = value.strip()
    if not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(field, _("Must be at most %(max)s characters.", max=max_length))
    elif not SLUG_RE.match(value):
        errors.add(field, _("Use lowercase letters, digits and single hyphens only."))
    return value


def timezone(errors: Collector, field: str, value: str) -> str:
    if not is_valid_timezone(value):
        errors.add(
            field,
            _("Unknown timezone %(zone)s: use an IANA name like Europe/Kyiv.", zone=repr(value)),
        )
    return value


def language(errors: Collector, field: str, value: str) -> str:
    if not LANGUAGE_RE.match(value) or len(value) > 35:
        errors.add(field, _("Use a BCP 47 language tag such as en or en-GB."))
    return value


def web_url(errors: Collector, field: str, value: str) -> str:
    value = value.strip()
    if not _is_web_url(value):
        errors.add(field, _("Must be an http or https URL."))
    elif len(value) > 500:
        errors.add(field, _("Must be at most %(max)s characters.", max=500))
    return value


def _is_web_url(value: str) -> bool:
    # Spaces and control characters would later break the feeds that carry the URL.
    if not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # such as an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def moment(errors: Collector, field: str, value: datetime, *, allow_future: bool) -> datetime:
    if value.tzinfo is None:
        errors.add(field, _("Give a time with its UTC offset."))
        return value
    # A few minutes of clock skew are tolerated for "now".
    latest = utcnow() + (timedelta(days=366) if allow_future else timedelta(minutes=5))
    if value < EARLIEST or value > latest:
        errors.add(field, _("This time is out of range."))
    return value


def slugify(title: str, max_length: int = 60) -> str:
    """A URL slug suggested from a title: 'War in Ukraine: day 1' → 'war-in-ukraine-day-1'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out or "briefing"


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3` … whichever `taken` says is free."""
    candidate, n = base, 2
    while taken(candidate):
        candidate = f"{base}-{n}"
        n += 1
    return candidate
