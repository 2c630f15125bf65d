"""The one build step pyproject.toml cannot declare: the interface's gettext catalogs are
compiled while the package is built (SPEC §14). The repository holds the translators' .po
files; every wheel carries the .mo files Flask-Babel reads, and an editable install gets
them compiled in place, in the checkout it runs from."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("briefing", "translations")


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        # A wheel's copy of the package, or the checkout an editable install runs from.
        folder = CATALOGS if self.editable_mode else Path(self.build_lib, CATALOGS)
        CommandLineInterface().run(["pybabel", "--quiet", "compile", "-d", str(folder)])


setup(cmdclass={"build_py": BuildWithCatalogs})
