"""The interface language of a request.

Reader pages speak their briefing's language; the editor console its editor's (a user
setting, else the browser's). A view that knows which sets `g.interface_locale`; everything
else (the API included: it is for machines) stays English.
"""

from __future__ import annotations

from flask import Flask, g

from briefing.extensions import babel

DEFAULT_LOCALE = "en"


def interface_locale() -> str:
    return str(g.get("interface_locale") or DEFAULT_LOCALE)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    babel.init_app(app, locale_selector=interface_locale)
