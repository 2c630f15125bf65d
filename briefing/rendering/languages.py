"""Languages: which ones the interface speaks, and which way each one is written."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

DEFAULT = "en"
# The catalogs under briefing/translations, each complete (tests/web/test_i18n.py).
SHIPPED = ("en", "uk", "ru", "ar")
# Each shipped language in its own words, for the editor's language setting.
NAMES = {"en": "English", "uk": "Українська", "ru": "Русский", "ar": "العربية"}
# Right-to-left languages Babel's locale data does not know by their tag (Dari).
RTL_WITHOUT_LOCALE_DATA = frozenset({"prs"})


def parse(tag: str) -> Locale | None:
    """Babel's locale for a BCP 47 tag (en-GB, ku-Arab), or None when it knows none."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def shipped(tag: str | None) -> str | None:
    """The shipped interface language of a tag (uk-UA → uk), or None."""
    locale = parse(tag) if tag else None
    return locale.language if locale is not None and locale.language in SHIPPED else None


def interface_language(tag: str) -> str:
    """The interface language of pages in `tag`: its own when shipped, else English."""
    return shipped(tag) or DEFAULT


def text_direction(tag: str) -> str:
    """'rtl' or 'ltr' for a BCP 47 tag: ar, fa, fa-AF, he, ur, ps, prs, ku-Arab … are 'rtl'."""
    locale = parse(tag)
    if locale is None:
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        return "rtl" if primary in RTL_WITHOUT_LOCALE_DATA else "ltr"
    return "rtl" if locale.text_direction == "rtl" else "ltr"
