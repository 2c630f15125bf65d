"""Series verbs: creating and changing a series, editions in order, opening the next edition,
and the versions that key the series' page and feeds and its editions' pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefing.extensions import db
from briefing.models import BriefingStatus, Role, Series
from briefing.services import briefings as briefing_service
from briefing.services import changes
from briefing.services import series as series_service
from briefing.services.errors import Forbidden, Invalid, NotFound
from briefing.services.permissions import OPERATOR

DAY = timedelta(days=1)
START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def lineup(found: Series) -> int:
    db.session.refresh(found)
    return found.lineup


def test_a_new_series_gets_a_unique_slug_from_its_title(make_series):
    first = make_series()
    second = make_series()
    assert (first.slug, second.slug) == (
        "russia-s-invasion-of-ukraine",
        "russia-s-invasion-of-ukraine-2",
    )


def test_series_input_is_checked_field_by_field(make_series, editor):
    make_series(slug="ukraine")
    with pytest.raises(Invalid) as refused:
        series_service.create_series(actor=editor, title=" ", slug="Not a slug")
    assert {e.field for e in refused.value.errors} == {"title", "slug"}
    with pytest.raises(Invalid) as refused:
        series_service.create_series(actor=editor, title="Daily", slug="ukraine")
    assert [e.message for e in refused.value.errors] == ["The slug 'ukraine' is already in use."]


def test_contributors_may_not_create_series(contributor):
    with pytest.raises(Forbidden):
        series_service.create_series(actor=contributor, title="Daily")


def test_editions_are_newest_first_and_drafts_are_hidden_from_readers(make_series, make_briefing):
    found = make_series(slug="ukraine")
    old = make_briefing(series="ukraine", opened_at=START)
    new = make_briefing(series="ukraine", opened_at=START + DAY)
    draft = make_briefing(series="ukraine", status=BriefingStatus.DRAFT)
    assert series_service.editions(found) == [new, old]
    assert draft in series_service.editions(found, public=False)
    around = series_service.neighbours(old)
    assert (around.previous, around.next) == (None, new)
    around = series_service.neighbours(new)
    assert (around.previous, around.next) == (old, None)


def test_an_unknown_series_is_refused_on_the_series_field(make_briefing, briefing, editor):
    with pytest.raises(Invalid) as refused:
        make_briefing(series="nope")
    assert [(e.field, e.message) for e in refused.value.errors] == [("series", "No series 'nope'.")]
    with pytest.raises(Invalid):
        briefing_service.change_briefing(briefing, actor=editor, series="nope")


def test_the_next_edition_ends_the_current_one_and_carries_its_box_over(
    make_series, make_briefing, editor
):
    found = make_series(slug="ukraine")
    current = make_briefing(
        series="ukraine",
        summary="- Talks resume",
        standfirst="What we know.",
        timezone="Europe/Kyiv",
        language="uk",
    )
    opened = briefing_service.next_edition(found, actor=editor)
    db.session.refresh(current)
    assert current.status == BriefingStatus.ENDED and current.ended_at is not None
    assert opened.status == BriefingStatus.LIVE and opened.series_id == found.id
    assert (opened.summary, opened.standfirst, opened.timezone, opened.language) == (
        "- Talks resume",
        "What we know.",
        "Europe/Kyiv",
        "uk",
    )
    assert "<li>Talks resume</li>" in opened.summary_html
    assert opened.title.startswith("Russia's Invasion of Ukraine: ")
    assert opened.slug.startswith("ukraine-")
    again = briefing_service.next_edition(found, actor=OPERATOR, title="Day 3")
    assert again.title == "Day 3" and again.slug != opened.slug
    assert series_service.editions(found) == [again, opened, current]


def test_the_first_edition_of_an_empty_series_opens_live(make_series, editor):
    found = make_series()
    opened = briefing_service.next_edition(found, actor=editor, title="Day 1")
    assert opened.status == BriefingStatus.LIVE and opened.timezone == "UTC"


def test_only_editors_open_editions_and_a_bad_title_changes_nothing(
    make_series, make_briefing, contributor, editor
):
    found = make_series(slug="ukraine")
    current = make_briefing(series="ukraine")
    with pytest.raises(Forbidden):
        briefing_service.next_edition(found, actor=contributor)
    with pytest.raises(Invalid):
        briefing_service.next_edition(found, actor=editor, title="x" * 201)
    db.session.refresh(current)
    assert current.status == BriefingStatus.LIVE
    assert series_service.editions(found) == [current]


def test_any_edition_change_moves_the_series_version_but_only_the_lineup_moves_edition_pages(
    make_series, make_briefing, make_update, editor
):
    found = make_series(slug="ukraine")
    current = make_briefing(series="ukraine")
    before = series_service.series_version("ukraine").version
    lined_up = lineup(found)
    make_update(current, body="Sirens.")
    assert series_service.series_version("ukraine").version > before
    assert lineup(found) == lined_up
    assert changes.briefing_version(current.slug).series_lineup == lined_up

    briefing_service.next_edition(found, actor=editor)
    assert lineup(found) > lined_up
    lined_up = lineup(found)
    series_service.change_series(found, actor=editor, title="The war")
    assert lineup(found) > lined_up


def test_moving_a_briefing_between_series_moves_both_lineups(make_series, make_briefing, editor):
    first, second = make_series(slug="one"), make_series(slug="two")
    moved = make_briefing(series="one")
    one, two = lineup(first), lineup(second)
    briefing_service.change_briefing(moved, actor=editor, series="two")
    assert lineup(first) > one and lineup(second) > two
    assert moved.series is not None and moved.series.slug == "two"
    briefing_service.change_briefing(moved, actor=editor, series=None)
    assert moved.series is None


def test_unknown_series_are_not_found(app):
    with pytest.raises(NotFound):
        series_service.series_by_slug("nope")
    with pytest.raises(NotFound):
        series_service.series_version("nope")


def test_contributor_role_cannot_change_series(make_series, make_user):
    found = make_series()
    with pytest.raises(Forbidden):
        series_service.change_series(found, actor=make_user(Role.CONTRIBUTOR), title="x")
