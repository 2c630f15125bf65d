"""Credit lines for wire agencies, in natural English, for feeds and the API (pages word
them in their interface language: web/i18n.py)."""

from __future__ import annotations

from collections.abc import Sequence


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
