"""Credit lines, worded in one place."""

from __future__ import annotations

from briefing.rendering.credit import credit_line, rights_line


def test_credit_lines_name_each_agency_once_in_natural_english():
    assert credit_line([]) == ""
    assert credit_line(["Reuters"]) == "With reporting by Reuters"
    assert credit_line(["Reuters", "AFP", "Reuters"]) == "With reporting by Reuters and AFP"
    assert credit_line(["AFP", "AP", "Reuters"]) == "With reporting by AFP, AP and Reuters"


def test_rights_name_the_site_and_every_agency():
    assert rights_line("Briefing", []) == "© Briefing"
    assert rights_line("Briefing", ["AFP", "AP"]) == "© Briefing. With reporting by AFP and AP."
