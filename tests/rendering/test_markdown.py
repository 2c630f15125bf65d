"""render_markdown is the only way from user text to stored HTML: whatever goes in, what comes
out is harmless, and ordinary newsroom Markdown keeps working. Also the small pure functions
around it: excerpts, plain text, credit lines and times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefing.rendering.credit import credit_line
from briefing.rendering.markdown import excerpt, html_to_text, render_markdown
from briefing.rendering.timefmt import clock_with_zone, iso, zone_label
from tests.rendering.hostile import HOSTILE_BODIES, assert_safe_html
from tests.rendering.hostile import parse_fragment as parse


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_markdown_renders_to_harmless_html(body):
    assert_safe_html(render_markdown(body))


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>x()</script>",
        "<p onclick=x()>x</p>",
        '<p style="color:red">x</p>',
        "<div>x</div>",
        '<a href="javascript:x()">x</a>',
        '<a href="java%0Ascript%3Ax()">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<a href="https://example.com" title="alert(1)">x</a>',
        "<!-- hidden -->",
        "<blockquote>" * 300 + "<svg></svg>",
    ],
)
def test_the_safety_check_itself_rejects_unsafe_html(fragment):
    with pytest.raises(AssertionError):
        assert_safe_html(fragment)


def test_emphasis_survives():
    root = parse(render_markdown("Shelling **intensified** near the *river* crossing."))
    assert root.xpath("//p/strong/text()") == ["intensified"]
    assert root.xpath("//p/em/text()") == ["river"]


def test_bulleted_and_numbered_lists_survive_with_their_start_number():
    root = parse(render_markdown("- power cuts\n- water outages\n\n3. third\n4. fourth"))
    assert root.xpath("//ul/li/text()") == ["power cuts", "water outages"]
    (numbered,) = root.findall(".//ol")
    assert numbered.get("start") == "3"
    assert numbered.xpath("li/text()") == ["third", "fourth"]


def test_links_keep_their_url_and_are_marked_as_user_content():
    root = parse(render_markdown("See the [report](https://example.com/report?id=1&page=2)."))
    (link,) = root.iter("a")
    assert link.get("href") == "https://example.com/report?id=1&page=2"
    assert link.get("rel").split() == ["noopener", "noreferrer", "nofollow", "ugc"]
    assert link.text == "report"


@pytest.mark.parametrize(
    "href", ["/briefings/demo/updates/3", "#key-events", "?before=123-4", "//example.com/x"]
)
def test_relative_links_are_kept(href):
    (link,) = parse(render_markdown(f"[earlier]({href})")).iter("a")
    assert link.get("href") == href


def test_third_party_images_stay_links_named_by_their_alt_text():
    # SPEC §11: no hot-linking of third parties into readers' browsers.
    root = parse(render_markdown("![Damaged substation](https://example.com/s.jpg)"))
    assert root.findall(".//img") == []
    (link,) = root.iter("a")
    assert link.get("href") == "https://example.com/s.jpg"
    assert link.text == "Damaged substation"


def test_raw_img_tags_are_dropped():
    root = parse(render_markdown('Before <img src="https://example.com/s.jpg" alt="x"> after'))
    assert root.findall(".//img") == []
    assert root.xpath("string(//p)") == "Before  after"


def test_tables_render_with_header_and_body():
    table = "| Region | Outage |\n|---|---|\n| Kharkiv | 8h |\n| Odesa | 4h |"
    root = parse(render_markdown(table))
    assert root.xpath("//table/thead/tr/th/text()") == ["Region", "Outage"]
    assert root.xpath("//table/tbody/tr/td/text()") == ["Kharkiv", "8h", "Odesa", "4h"]


def test_code_shows_html_as_text_instead_of_markup():
    root = parse(render_markdown("```\n<b>bold</b> <script>x()</script>\n```\n\nInline `<img>`."))
    assert root.xpath("//pre/code/text()") == ["<b>bold</b> <script>x()</script>\n"]
    assert root.xpath("//p/code/text()") == ["<img>"]
    assert root.findall(".//b") == [] and root.findall(".//img") == []


def test_blockquotes_keep_their_text():
    root = parse(render_markdown("> Staying here is no longer safe.\n\nSaid the governor."))
    assert root.xpath("//blockquote/p/text()") == ["Staying here is no longer safe."]


def test_tags_outside_the_allowed_set_are_removed_but_their_text_is_kept():
    root = parse(render_markdown("<div><span>Convoy left</span> at noon</div>"))
    assert root.findall(".//div") == [] and root.findall(".//span") == []
    assert root.text_content().split() == ["Convoy", "left", "at", "noon"]


def test_control_characters_are_removed_and_line_breaks_kept():
    html = render_markdown("Sirens\x00 in\x1b Kyiv\x7f\r\n\r\nAll clear\x9b.")
    assert parse(html).xpath("//p/text()") == ["Sirens in Kyiv", "All clear."]


def test_an_empty_body_renders_to_nothing():
    assert render_markdown("") == ""


def test_blockquotes_nested_absurdly_deep_keep_every_word_as_plain_text():
    root = parse(render_markdown(">" * 10_000 + " deep"))
    assert root.findall(".//blockquote") == []
    assert root.text_content().strip().endswith("deep")


def test_lists_nested_absurdly_deep_keep_every_word_as_plain_text():
    body = "".join("\t" * depth + f"- level {depth}\n" for depth in range(440))
    root = parse(render_markdown(body))
    assert root.findall(".//ul") == [] and [child.tag for child in root] == ["p"]
    assert "level 0" in root.text_content() and "level 439" in root.text_content()


def test_ordinary_nesting_still_renders_as_markdown():
    root = parse(render_markdown("> quoted\n> > twice\n\n- a\n  - b\n    - c"))
    assert len(root.findall(".//blockquote")) == 2 and len(root.findall(".//ul")) == 3


@pytest.mark.parametrize(
    "url",
    ["javascript%3Aalert(1)", "java    script:alert(1)", "java\u00a0script:x", "%6Aavascript:x"],
)
def test_relative_urls_that_decode_to_a_script_url_are_dropped(url):
    (link,) = parse(render_markdown(f'<a href="{url}">x</a>')).iter("a")
    assert link.get("href") is None


@pytest.mark.parametrize(
    ("names", "line"),
    [
        ([], ""),
        (["Reuters"], "With reporting by Reuters"),
        (["Reuters", "AFP"], "With reporting by Reuters and AFP"),
        (["Reuters", "AFP", "AP"], "With reporting by Reuters, AFP and AP"),
        (["Reuters", "AFP", "Reuters", "AFP"], "With reporting by Reuters and AFP"),
    ],
    ids=["none", "one", "two", "three", "duplicates"],
)
def test_credit_line_names_each_agency_once_in_natural_english(names, line):
    assert credit_line(names) == line


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Kyiv", "Kyiv time"),
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
    ],
)
def test_zone_label_names_the_city(zone, label):
    assert zone_label(zone) == label


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # Kyiv moves from UTC+2 to UTC+3 at 03:00 local time on 30 March 2025 …
        (datetime(2025, 3, 30, 0, 30, tzinfo=UTC), "02:30 Kyiv time"),
        (datetime(2025, 3, 30, 1, 30, tzinfo=UTC), "04:30 Kyiv time"),
        # … and back at 04:00 local time on 26 October 2025, so 03:30 happens twice.
        (datetime(2025, 10, 26, 0, 30, tzinfo=UTC), "03:30 Kyiv time"),
        (datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "03:30 Kyiv time"),
        (datetime(2025, 10, 26, 2, 30, tzinfo=UTC), "04:30 Kyiv time"),
    ],
)
def test_clock_with_zone_follows_daylight_saving_time(moment, shown):
    assert clock_with_zone(moment, "Europe/Kyiv") == shown


def test_iso_tells_the_repeated_hour_apart_by_its_offset():
    first = datetime(2025, 10, 26, 0, 30, 15, 999_999, tzinfo=UTC)
    second = datetime(2025, 10, 26, 1, 30, 15, tzinfo=UTC)
    assert iso(first, "Europe/Kyiv") == "2025-10-26T03:30:15+03:00"
    assert iso(second, "Europe/Kyiv") == "2025-10-26T03:30:15+02:00"
    assert iso(first) == "2025-10-26T00:30:15+00:00"


def test_excerpt_returns_short_text_whole_with_whitespace_collapsed():
    assert excerpt("  Sirens   in\nKyiv  ") == "Sirens in Kyiv"


TEXT = "Air defences were active over Kyiv, Kharkiv and Odesa as sirens sounded for three hours."


@pytest.mark.parametrize("limit", range(12, len(TEXT)))
def test_excerpt_never_cuts_a_word_and_marks_the_cut(limit):
    cut = excerpt(TEXT, limit)
    assert len(cut) <= limit and cut.endswith("…")
    words, original = cut.removesuffix("…").split(), TEXT.split()
    assert words[:-1] == original[: len(words) - 1]
    assert words[-1] == original[len(words) - 1].rstrip(",.")


def test_excerpt_drops_punctuation_left_before_the_ellipsis():
    assert excerpt(TEXT, 40) == "Air defences were active over Kyiv…"


def test_excerpt_keeps_a_word_that_ends_exactly_at_the_cut():
    assert excerpt("aaaa bbbb cccc", 10) == "aaaa bbbb…"


def test_excerpt_of_one_long_word_cuts_it_at_the_limit():
    assert excerpt("x" * 200, 50) == "x" * 49 + "…"


def test_html_to_text_strips_tags_unescapes_entities_and_collapses_space():
    fragment = "<p>1 &lt; 2 &amp;&amp; <strong>true</strong></p>\n<ul>\n<li>a&nbsp;b</li>\n</ul>"
    assert html_to_text(fragment) == "1 < 2 && true. a b"


def prose(markdown: str) -> str:
    return html_to_text(render_markdown(markdown))


def test_plain_text_reads_as_prose_without_a_space_before_punctuation():
    body = "Death toll rises to **5**, the *State Emergency Service* says."
    assert prose(body) == "Death toll rises to 5, the State Emergency Service says."
    assert prose("See [the map](https://map.example/), then `call 112`.") == (
        "See the map, then call 112."
    )


def test_headings_and_paragraphs_become_sentences():
    body = "## Village evacuated\n\nBuses left at dawn\n\n### What next?\n\nWait."
    assert prose(body) == "Village evacuated. Buses left at dawn. What next? Wait."


def test_table_cells_are_separated_and_rows_are_sentences():
    body = (
        "Death toll rises to 5, officials say.\n\n"
        "| Village | Evacuated |\n|---|---|\n| Verkhnie | 1,200 |\n| Nyzhnie | |\n"
    )
    assert prose(body) == (
        "Death toll rises to 5, officials say. Village, Evacuated. Verkhnie, 1,200. Nyzhnie"
    )


def test_list_items_are_sentences_and_a_colon_introduces_them():
    body = "Officials said:\n\n- Power cut in Kyiv\n- Water out in Odesa!\n\n1. first\n2. second"
    assert prose(body) == "Officials said: Power cut in Kyiv. Water out in Odesa! first. second"


def test_quotes_code_blocks_images_and_line_breaks_read_as_text():
    assert prose('> He said "stay inside."\n\nNext') == 'He said "stay inside." Next'
    assert prose("Run this:\n\n```\nsudo halt\nnow\n```\n\nDone") == (
        "Run this: sudo halt now. Done"
    )
    assert prose("Line one  \nline two") == "Line one line two"
    assert prose("![a map of the front](https://x.example/m.png) shows it") == (
        "a map of the front shows it"
    )
    assert prose("") == ""


def test_html_to_text_keeps_escaped_markup_as_text():
    assert html_to_text(render_markdown("Type `<script>` to test.")) == "Type <script> to test."
