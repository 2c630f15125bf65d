"""Credit lines for wire agencies, in natural English, for feeds and the API (pages word
them in their interface language: web/i18n.py); and the one rule for finding agencies
named in an update's text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def credit_line(names: Sequence[str]) -> str:
    """'With reporting by Reuters and AFP', or '' when nothing is credited."""
    unique = list(dict.fromkeys(names))
    if not unique:
        return ""
    return "With reporting by " + join_names(unique)


def rights_line(owner: str, names: Sequence[str]) -> str:
    """'© Briefing. With reporting by AFP, AP and Reuters.': a feed's rights."""
    line = credit_line(names)
    return f"© {owner}" + (f". {line}." if line else "")


# A short single-word term ("AP", "dpa") is also an ordinary syllable or token, so it counts
# only as the agency writes its name or in capitals (a short slug, "ap", only in capitals);
# longer ones ("Reuters", "interfax-ukraine") count in any case ("REUTERS", "reuters").
_SHORT = 4


def agencies_named(text: str, agencies: Iterable[tuple[str, str]]) -> list[str]:
    """The slugs of the agencies that `text` names, in the order first named, from
    (slug, name) pairs: by name or slug, as whole words ("Reuters reported", "according to
    AFP", "(Interfax Ukraine)"), never inside a word ("apnews", "Capture")."""
    found: list[tuple[int, str]] = []
    for slug, name in agencies:
        terms = (_term(name, as_written=True), _term(slug, as_written=False))
        positions = [m.start() for term in terms for m in term.finditer(text)]
        if positions:
            found.append((min(positions), slug))
    return [slug for _, slug in sorted(found)]


@lru_cache(maxsize=512)
def _term(term: str, *, as_written: bool) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term.strip()) if w]
    body = r"[\s\-]+".join(words) or r"(?!)"
    flags = re.IGNORECASE
    if len(words) == 1 and len(term) <= _SHORT:
        capitals = re.escape(term.upper())
        body, flags = (f"(?:{body}|{capitals})" if as_written else capitals), re.NOFLAG
    return re.compile(rf"(?<!\w){body}(?!\w)", flags)
