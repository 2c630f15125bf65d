"""The interface language of a request, and what follows from a language.

Reader pages speak their briefing's language when it is shipped (English otherwise), while
their `lang` and `dir` always follow the briefing; the editor console speaks its editor's
language (a user setting, else the browser's best match among the shipped ones, else
English). A view that knows sets it with `use_locale`; everything else (the API included:
it is for machines) stays English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_skeleton, get_timezone_location
from babel.lists import format_list
from flask import Flask, g, has_request_context, request
from flask_babel import force_locale, get_locale, gettext, lazy_gettext, ngettext, refresh
from markupsafe import Markup, escape

from briefing.extensions import babel
from briefing.models.base import utcnow
from briefing.rendering import languages, timefmt

DEFAULT_LOCALE = languages.DEFAULT
# English dates read day first in a newsroom (25 Nov): British English formats them.
DATE_LOCALES = {"en": "en_GB"}
text_direction = languages.text_direction


def reader_locale(language: str) -> str:
    """A briefing's interface language: its own when shipped, else English."""
    return languages.interface_language(language)


def editor_locale(chosen: str | None) -> str:
    """The console's language: the editor's setting, else the browser's, else English."""
    if chosen and chosen in languages.SHIPPED:
        return chosen
    if has_request_context():
        # Most wanted first; a regional tag counts for its language (uk-UA asks for uk).
        for tag, _quality in request.accept_languages:
            found = languages.shipped(tag)
            if found:
                return found
    return DEFAULT_LOCALE


def use_locale(tag: str) -> None:
    """Make `tag` the interface language of the rest of this request."""
    g.interface_locale = tag
    refresh()


def interface_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    return str(g.get("interface_locale") or DEFAULT_LOCALE)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render a briefing's reader markup (an update, a key event) in its language."""
    with force_locale(reader_locale(language)):
        yield


# ---------------------------------------------------------------------------------------
# Times, as readers of the interface language write them.


def _date_locale() -> str:
    name = str(get_locale() or DEFAULT_LOCALE)
    return DATE_LOCALES.get(name, name)


def zone_name(tz: str) -> str:
    """'Europe/Kyiv' → 'Kyiv time' (English), 'بتوقيت كييف' (Arabic); 'UTC' stays."""
    if tz in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    city = get_timezone_location(timefmt.zone(tz), locale=_date_locale(), return_city=True)
    return gettext("%(city)s time", city=city)


def clock(moment: datetime, tz: str) -> str:
    """'14:32' in the briefing's zone, with the interface language's digits and order."""
    return format_skeleton("Hm", timefmt.local(moment, tz), locale=_date_locale())


def reader_time(moment: datetime, tz: str, dated: bool = False) -> str:
    """'14:32 Kyiv time' today; '25 Nov, 14:32 Kyiv time' on earlier days. `dated`: always
    '1 Dec 2026, 14:32 Kyiv time', for pages read days later (permalinks), which then read
    the same whatever the day."""
    local = timefmt.local(moment, tz)
    label = gettext("%(time)s %(zone)s", time=clock(moment, tz), zone=zone_name(tz))
    today = None if dated else timefmt.local(utcnow(), tz).date()
    if local.date() == today:
        return label
    skeleton = "MMMd" if today and local.year == today.year else "yMMMd"
    return gettext(
        "%(day)s, %(time)s", day=format_skeleton(skeleton, local, locale=_date_locale()), time=label
    )


# ---------------------------------------------------------------------------------------
# Credits, listed as the interface language lists names ("A, B and C", "A, B і C").


def _names(names: list[str]) -> str:
    return format_list(list(dict.fromkeys(names)), locale=_date_locale())


def listed(names: list[str]) -> str:
    """Agency names as the interface language lists them ("Reuters and AFP"): the console's
    "Credit Reuters and AFP?"."""
    return _names(names)


def reporting_by(names: list[str]) -> str:
    """An update's credit: 'With reporting by Reuters and AFP', or ''."""
    return gettext("With reporting by %(names)s", names=_names(names)) if names else ""


def linked_credit(sources: list[tuple[str, str]]) -> Markup:
    """'Reporting in this briefing by <a>AFP</a> and <a>Reuters</a>.' from (name, url)
    pairs: a live page's footer, each agency linked and isolated from the text around it."""
    links = [
        str(Markup('<bdi><a href="{}" rel="noopener">{}</a></bdi>').format(u, n))
        for n, u in sources
    ]
    # Each link is escaped already and the joints are the locale's words, so the list is safe.
    return Markup(escape(gettext("Reporting in this briefing by %(names)s."))) % {
        "names": Markup(_names(links))
    }


# ---------------------------------------------------------------------------------------
# Words for values the models hold in English.

STATUS_NAMES: dict[str, Any] = {
    "draft": lazy_gettext("draft"),
    "live": lazy_gettext("live"),
    "ended": lazy_gettext("ended"),
}
ROLE_NAMES: dict[str, Any] = {
    "contributor": lazy_gettext("contributor"),
    "editor": lazy_gettext("editor"),
    "admin": lazy_gettext("admin"),
}


def status_name(value: str) -> str:
    return str(STATUS_NAMES.get(value, value))


def role_name(value: str) -> str:
    return str(ROLE_NAMES.get(value, value))


# ---------------------------------------------------------------------------------------
# The scripts' words, delivered with the page (static/js/i18n.js reads them).


def plural_forms(choose: Callable[[int], str]) -> dict[str, str]:
    """One message per CLDR plural category of the interface language (one, few, many …),
    as the browser's Intl.PluralRules names them, each with `{count}` to fill in."""
    locale = get_locale() or Locale.parse(DEFAULT_LOCALE)
    return {form: choose(n) for form, n in _plural_examples(str(locale)).items()}


@cache
def _plural_examples(locale: str) -> dict[str, int]:
    """The first whole number of each plural category: every page asks, once per language
    is enough (a render of the live page spent 2 ms asking the rules 200 times)."""
    rule = Locale.parse(locale).plural_form
    examples: dict[str, int] = {}
    for n in range(200):
        examples.setdefault(rule(n), n)
    # Whole numbers never fall in some languages' "other" (Ukrainian keeps it for fractions).
    examples.setdefault("other", 100)
    return examples


def script_messages(editor: bool = False) -> dict[str, Any]:
    """Reader pages get the live page's words; the console everything."""
    messages: dict[str, Any] = {
        "locale": str(get_locale() or DEFAULT_LOCALE).replace("_", "-"),
        "justNow": gettext("just now"),
        "yourTime": gettext("%(time)s (your time)", time="{time}"),
        # Inline after the briefing's own time: "14:32 Kyiv time · 12:32 your time".
        "yourClock": gettext("%(time)s your time", time="{time}"),
        "newUpdates": plural_forms(
            lambda n: ngettext("%(count)s new update", "%(count)s new updates", n, count="{count}")
        ),
        "ended": gettext("Ended"),
        "external": gettext("external"),
        "embedTitle": gettext("%(service)s content", service="{service}"),
        "loadEmbed": gettext("Load %(service)s content", service="{service}"),
        "embedNote": gettext(
            "Loading it contacts %(service)s, which may set cookies.", service="{service}"
        ),
    }
    if editor:
        messages |= _console_messages()
    return messages


def _console_messages() -> dict[str, Any]:
    return {
        "sessionEnded": gettext(
            "Your session has ended. Log in again in another tab, then send again: "
            "your text is kept here."
        ),
        "refused": gettext("The server refused this (%(status)s).", status="{status}"),
        "restored": gettext("Restored the text you had not sent yet."),
        "savingDraft": gettext("Saving draft…"),
        "publishing": gettext("Publishing…"),
        "scheduling": gettext("Scheduling…"),
        "offlineSend": gettext(
            "Not sent: the connection failed. Your text is kept; send again when online."
        ),
        "sent": gettext("Sent."),
        "restoredEdit": gettext("Restored your unsaved edit of this update."),
        "offlineSave": gettext(
            "Not saved: the connection failed. Your text is kept; save again when online."
        ),
        "notSavedConflict": gettext(
            "Not saved: someone else saved first; compare the two versions."
        ),
        "notSavedCheck": gettext("Not saved: check the form."),
        "confirmDelete": gettext("Delete this update? Readers and feeds will stop showing it."),
        "offlineAction": gettext("Not done: the connection failed. Try again."),
        "uploadFailed": gettext("The photo was not uploaded: %(reason)s", reason="{reason}"),
        "uploadError": gettext("error %(status)s", status="{status}"),
        "uploaded": gettext("Photo uploaded and placed in the text."),
        "uploadedNeedsAlt": gettext(
            "Photo uploaded and placed in the text. It needs alt text before it can be "
            "published: write it between the square brackets."
        ),
        "uploadOffline": gettext("The photo was not uploaded: the connection failed. Try again."),
        "uploading": gettext("Uploading…"),
        "uploadRetrying": gettext("The connection dropped; trying the upload again…"),
        "recentFailed": gettext("Recent uploads could not be loaded."),
        "noPhotos": gettext("No photos yet."),
        "photoNoAlt": gettext("Photo %(id)s (no alt text yet)", id="{id}"),
        "insert": gettext("Insert: %(label)s", label="{label}"),
        "placed": gettext("Photo placed in the text."),
        "placedNeedsAlt": gettext(
            "Photo placed in the text. It needs alt text before it can be published."
        ),
    }


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    babel.init_app(app, locale_selector=interface_locale)
    app.jinja_env.globals.update(
        text_direction=text_direction,
        zone_name=zone_name,
        status_name=status_name,
        role_name=role_name,
        script_messages=script_messages,
        reporting_by=reporting_by,
        sources_credit=lambda sources: linked_credit([(s.name, s.url) for s in sources]),
        language_names=languages.NAMES,
    )
    app.jinja_env.filters.update(clock=clock, reader_time=reader_time)

    @app.context_processor
    def _direction() -> dict[str, Any]:
        lang = str(get_locale() or DEFAULT_LOCALE)
        return {"interface_lang": lang, "interface_dir": text_direction(lang)}
