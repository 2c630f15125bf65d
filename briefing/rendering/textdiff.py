"""What differs between two texts, word by word: a refused edit's two versions are shown
with the words only one of them has marked (difflib, on the server; no script needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

# Words, punctuation marks and the whitespace between them ("hurt." and "hurt," share
# "hurt"), so the pieces join back into the text as written.
_TOKENS = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class WordDiff:
    """`before` with the words it alone has in `<del>`, `after` with its own in `<ins>`."""

    before: Markup
    after: Markup

    @property
    def changed(self) -> bool:
        return "<del>" in self.before or "<ins>" in self.after


def word_diff(before: str, after: str) -> WordDiff:
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    marked_old: list[str] = []
    marked_new: list[str] = []
    for op, i1, i2, j1, j2 in _runs(SequenceMatcher(None, old, new, autojunk=False), old):
        if op == "equal":
            marked_old.append(_plain(old[i1:i2]))
            marked_new.append(_plain(new[j1:j2]))
            continue
        marked_old.append(_wrapped("del", old[i1:i2]))
        marked_new.append(_wrapped("ins", new[j1:j2]))
    return WordDiff(Markup("".join(marked_old)), Markup("".join(marked_new)))


def _runs(matcher: SequenceMatcher[str], old: list[str]) -> list[tuple[str, int, int, int, int]]:
    """The matcher's opcodes, with a change, the blank between and the next change made one
    change: "Their newer" struck as one phrase, not two words around a shared space."""
    runs: list[tuple[str, int, int, int, int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal" and len(runs) >= 2 and runs[-2][0] != "equal":
            blank = runs[-1]
            if blank[0] == "equal" and not "".join(old[blank[1] : blank[2]]).strip():
                del runs[-1]
                runs[-1] = ("replace", runs[-1][1], i2, runs[-1][3], j2)
                continue
        runs.append((op, i1, i2, j1, j2))
    return runs


def _plain(tokens: list[str]) -> str:
    return str(escape("".join(tokens)))


def _wrapped(tag: str, tokens: list[str]) -> str:
    """The changed words in one element; whitespace at its edges stays outside."""
    text = "".join(tokens)
    if not text.strip():
        return str(escape(text))
    core = text.strip()
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{escape(lead)}<{tag}>{escape(core)}</{tag}>{escape(trail)}"
