"""The interface's catalogs (briefing/translations): complete in every shipped language,
fresh against the code and templates, and compiled (the built .mo says what its .po
says). `make messages` and `make install` (or `make translations`) put them right."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from briefing import catalogs
from briefing.rendering.languages import SHIPPED


def po(language: str) -> Catalog:
    with catalogs.po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def msgids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    catalog = po(language)
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if (
            message.fuzzy
            or len(forms) < (catalog.num_plurals if message.pluralizable else 1)
            or not all(forms)
        ):
            untranslated.append(message.id)
    assert untranslated == [], f"{language}: translate these (make messages, then the .po)"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders(language):
    """'%(time)s' in the English must be in the translation (or in every plural form that
    names the number: Arabic says 'one' and 'two' in words)."""
    catalog = po(language)
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


def test_catalogs_are_fresh_against_the_code_and_templates(tmp_path: Path):
    template = tmp_path / "messages.pot"
    catalogs.extract(template)
    with template.open("rb") as handle:
        wanted = msgids(read_po(handle))
    assert wanted, "nothing extracted: is babel.cfg found?"
    for language in SHIPPED:
        have = msgids(po(language))
        assert sorted(wanted - have) == [], f"{language} misses messages: run make messages"
        assert sorted(have - wanted) == [], f"{language} has stale messages: run make messages"


def table(catalog: Catalog) -> dict[object, object]:
    def key(value: object) -> object:
        return value if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]

    return {key(m.id): key(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalog_matches_its_source(language):
    mo_path = catalogs.po_path(language).with_suffix(".mo")
    assert mo_path.is_file(), "run make translations"
    with mo_path.open("rb") as handle:
        compiled = read_mo(handle)
    assert table(compiled) == table(po(language)), "run make translations"
