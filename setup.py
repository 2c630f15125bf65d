"""What pyproject.toml cannot declare: the package list, and the catalogs compiled while the
package is built.

Packages: templates/ and static/ stay at the top of the repository and ship inside the
package, as briefing.templates and briefing.static, so an installed copy runs without a
checkout. Every folder under briefing/ and under those two is a package, so that each file
in it is package data setuptools ships knowingly rather than a folder it warns it may drop.

Catalogs (SPEC §14): the repository holds the translators' .po files; every wheel carries the
.mo files Flask-Babel reads, and an editable install gets them compiled in place, in the
checkout it runs from."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

CATALOGS = Path("briefing", "translations")
MAPPED = {"briefing.templates": "templates", "briefing.static": "static"}
SKIP = ["__pycache__", "*.__pycache__"]


def packages() -> list[str]:
    found = find_namespace_packages(include=["briefing", "briefing.*"], exclude=SKIP)
    for name, folder in MAPPED.items():
        inside = find_namespace_packages(where=folder, exclude=SKIP)
        found += [name, *(f"{name}.{sub}" for sub in inside)]
    return found


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        # A wheel's copy of the package, or the checkout an editable install runs from.
        folder = CATALOGS if self.editable_mode else Path(self.build_lib, CATALOGS)
        CommandLineInterface().run(["pybabel", "--quiet", "compile", "-d", str(folder)])


setup(packages=packages(), package_dir=MAPPED, cmdclass={"build_py": BuildWithCatalogs})
