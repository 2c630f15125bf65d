"""The interface's gettext catalogs: extracted from the code and templates, merged into each
language's .po, compiled to the .mo files the app reads (`make messages`, `make translations`).

The .mo files are built, never committed: the package build compiles them (setup.py), and
`make install` again whenever a .po changes. tests/test_catalogs.py fails when a catalog
lacks a translation, misses a message of the code, or its .mo differs from its .po.

    python -m briefing.catalogs update    extract messages.pot, merge it into every .po
    python -m briefing.catalogs compile   write every .mo
"""

from __future__ import annotations

import sys
from contextlib import chdir
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from briefing import PROJECT_ROOT
from briefing.rendering.languages import SHIPPED

TRANSLATIONS = Path(__file__).parent / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
# Besides pybabel's own (_, gettext, ngettext …): the forms' lazy labels.
KEYWORDS = ("_l", "lazy_gettext")


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract(output: Path = TEMPLATE) -> None:
    """Every translatable string of the code and the templates, into a .pot file (its
    locations relative to the checkout)."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    with chdir(PROJECT_ROOT):
        _extract(output.resolve(), keywords)


def _extract(output: Path, keywords: list[str]) -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "--add-location=file",
        "--sort-by-file",
        "--project=Briefing",
        "-o",
        str(output),
        ".",
    )


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def update() -> None:
    extract()
    for language in SHIPPED:
        where = ["-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language]
        if po_path(language).exists():
            # No guessed ("fuzzy") translations: a new message stays empty until written.
            pybabel("update", *where, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            pybabel("init", *where)


def compile_all() -> None:
    pybabel("compile", "--statistics", "-d", str(TRANSLATIONS))


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
