"""Credit lines, worded in one place."""

from __future__ import annotations

import pytest

from briefing.rendering.credit import agencies_named, credit_line, rights_line


def test_credit_lines_name_each_agency_once_in_natural_english():
    assert credit_line([]) == ""
    assert credit_line(["Reuters"]) == "With reporting by Reuters"
    assert credit_line(["Reuters", "AFP", "Reuters"]) == "With reporting by Reuters and AFP"
    assert credit_line(["AFP", "AP", "Reuters"]) == "With reporting by AFP, AP and Reuters"


def test_rights_name_the_site_and_every_agency():
    assert rights_line("Briefing", []) == "© Briefing"
    assert rights_line("Briefing", ["AFP", "AP"]) == "© Briefing. With reporting by AFP and AP."


AGENCIES = [
    ("reuters", "Reuters"),
    ("afp", "AFP"),
    ("ap", "AP"),
    ("dpa", "dpa"),
    ("interfax-ukraine", "Interfax-Ukraine"),
    ("anadolu", "Anadolu Agency"),
    ("pa-media", "PA Media"),
]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Reuters reported three blasts.", ["reuters"]),
        ("Three blasts, according to AFP.", ["afp"]),
        ("KYIV (REUTERS) - Three blasts.", ["reuters"]),
        ("AFP and Reuters both said so; Reuters later added more.", ["afp", "reuters"]),
        ("The mayor told AP's reporter.", ["ap"]),
        ("Citing DPA-AFX, then AFP.", ["dpa", "afp"]),
        ("Interfax Ukraine quoted the governor.", ["interfax-ukraine"]),
        ("Interfax-Ukraine quoted the governor.", ["interfax-ukraine"]),
        ("Anadolu reported it first.", ["anadolu"]),
        ("As PA Media reported.", ["pa-media"]),
        ("See [the report](https://www.reuters.com/world/).", ["reuters"]),
    ],
)
def test_agencies_named_in_text_are_found_by_name_or_slug_in_the_order_named(text, named):
    assert agencies_named(text, AGENCIES) == named


@pytest.mark.parametrize(
    "text",
    [
        "A map of the area; an ap of the app.",  # short names count only as written
        "Capture the apnews feed; the afpx tool; Ap and Afp.",  # never inside a word
        "Reutersville is a town.",
        "Anadolu-style or PA alone is not a source.",
        "",
    ],
)
def test_words_that_only_look_like_agency_names_are_not_taken_for_them(text):
    found = agencies_named(text, AGENCIES)
    assert "ap" not in found and "afp" not in found and "reuters" not in found
    assert "pa-media" not in found
