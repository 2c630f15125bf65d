"""Credit lines, worded in one place."""

from __future__ import annotations

from lxml import html

from briefing.rendering.credit import credit_line, linked_credit, rights_line


def test_credit_lines_name_each_agency_once_in_natural_english():
    assert credit_line([]) == ""
    assert credit_line(["Reuters"]) == "With reporting by Reuters"
    assert credit_line(["Reuters", "AFP", "Reuters"]) == "With reporting by Reuters and AFP"
    assert credit_line(["AFP", "AP", "Reuters"]) == "With reporting by AFP, AP and Reuters"


def test_rights_name_the_site_and_every_agency():
    assert rights_line("Briefing", []) == "© Briefing"
    assert rights_line("Briefing", ["AFP", "AP"]) == "© Briefing. With reporting by AFP and AP."


def test_the_page_credit_links_each_agency_and_escapes_what_it_is_given():
    markup = linked_credit(
        [("AFP", "https://www.afp.com/"), ('<b>"Wire"</b> & Co', "https://wire.example/?a=1&b=2")]
    )
    paragraph = html.fragment_fromstring(str(markup), create_parent="p")
    assert paragraph.text_content() == 'Reporting in this briefing by AFP and <b>"Wire"</b> & Co.'
    links = [(a.text, a.get("href"), a.get("rel")) for a in paragraph.iter("a")]
    assert links == [
        ("AFP", "https://www.afp.com/", "noopener"),
        ('<b>"Wire"</b> & Co', "https://wire.example/?a=1&b=2", "noopener"),
    ]
    assert paragraph.find(".//b") is None
