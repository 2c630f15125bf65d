"""A refused edit's two versions, compared word by word."""

from __future__ import annotations

from lxml import html

from briefing.rendering.textdiff import word_diff


def marked(markup: str, tag: str) -> list[str]:
    return [e.text_content() for e in html.fragment_fromstring(markup, "pre").iter(tag)]


def text(markup: str) -> str:
    return html.fragment_fromstring(markup, "pre").text_content()


def test_only_the_words_that_differ_are_marked_and_each_side_reads_as_written():
    theirs = "Polls have closed in the east.\n\nTurnout was **high**."
    mine = "Polls have closed everywhere.\n\nTurnout was **high**."
    diff = word_diff(theirs, mine)
    assert diff.changed
    assert marked(diff.before, "del") == ["in the east"]
    assert marked(diff.after, "ins") == ["everywhere"]
    assert marked(diff.before, "ins") == marked(diff.after, "del") == []
    assert text(diff.before) == theirs and text(diff.after) == mine


def test_added_and_removed_words_are_marked_on_their_own_side_only():
    diff = word_diff("Three people were hurt.", "Three people were badly hurt, police said.")
    assert marked(diff.before, "del") == []
    assert marked(diff.after, "ins") == ["badly", ", police said"]
    removed = word_diff("Two, maybe three, drones.", "Two drones.")
    assert marked(removed.before, "del") == [", maybe three,"]
    assert marked(removed.after, "ins") == []


def test_the_same_text_has_nothing_marked():
    diff = word_diff("Same words.", "Same words.")
    assert not diff.changed
    assert str(diff.before) == str(diff.after) == "Same words."


def test_markup_in_either_text_is_escaped_never_interpreted():
    diff = word_diff("<b>bold</b> & co", '<script>alert("x")</script> & co')
    for markup in (diff.before, diff.after):
        tags = {e.tag for e in html.fragment_fromstring(markup, "pre").iter()}
        assert tags <= {"pre", "del", "ins"}
    assert text(diff.before) == "<b>bold</b> & co"
    assert text(diff.after) == '<script>alert("x")</script> & co'


def test_changed_words_next_to_each_other_are_marked_as_one_phrase():
    diff = word_diff("Their newer text.", "My own text.")
    assert marked(diff.before, "del") == ["Their newer"]
    assert marked(diff.after, "ins") == ["My own"]
