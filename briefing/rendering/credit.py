"""Credit lines for wire agencies, in natural English: the only place they are worded."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup


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


def linked_credit(sources: Sequence[tuple[str, str]]) -> Markup:
    """'Reporting in this briefing by <a>AFP</a> and <a>Reuters</a>.' from (name, url)
    pairs: a live page's footer, each agency linked."""
    links = [str(Markup('<a href="{}" rel="noopener">{}</a>').format(u, n)) for n, u in sources]
    # Each link is escaped already and the joints are plain text, so the whole is safe.
    return Markup(f"Reporting in this briefing by {join_names(links)}.")
