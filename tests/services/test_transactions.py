"""Verbs clean up after themselves: a failed verb leaves nothing pending, a lost race for a
named unique constraint is a Collision, and any other IntegrityError is a logged 500."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from briefing.extensions import db
from briefing.models import Change, ChangeKind, Source, Update
from briefing.models.briefing import briefing_sources
from briefing.services.errors import Collision
from briefing.services.transactions import LOST_RACE, verb, violated_constraint


@verb
def add_source(slug: str) -> Source:
    source = Source(slug=slug, name=slug.title(), url=f"https://{slug}.example/")
    db.session.add(source)
    db.session.commit()
    return source


@verb
def log_change(briefing_id: int, seq: int) -> None:
    db.session.add(Change(briefing_id=briefing_id, seq=seq, kind=ChangeKind.BRIEFING_CHANGED))
    db.session.commit()


def source_count() -> int:
    return db.session.scalar(select(func.count(Source.id))) or 0


def test_losing_a_race_for_a_named_constraint_is_a_collision_and_leaves_nothing_pending(app):
    before = source_count()
    with pytest.raises(Collision) as caught:
        add_source("reuters")  # as if another request had added it after our check
    assert caught.value.constraint == "uq_sources_slug"
    assert caught.value.detail == LOST_RACE
    assert not db.session.new and not db.session.dirty
    # The session is usable at once: nothing is waiting to be rolled back.
    assert source_count() == before
    assert add_source("newswire").id is not None


def test_any_other_integrity_error_is_logged_and_raised(app, briefing, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(IntegrityError):
        log_change(briefing.id, briefing.version)  # that sequence number is taken
    assert "uq_changes_briefing_id_seq" in caplog.text
    assert "log_change" in caplog.text
    assert not db.session.new
    assert db.session.scalar(select(func.count(Change.id))) == briefing.version


def test_an_unnamed_integrity_error_is_a_500_not_a_409(app, briefing, client, caplog):
    def broken() -> str:
        log_change(briefing.id, briefing.version)
        return "not reached"

    app.add_url_rule("/api/v1/broken", "broken", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/broken")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "uq_changes_briefing_id_seq" in caplog.text


def test_constraint_names_are_read_on_every_database(app, briefing, make_update):
    first = make_update(briefing, pinned=True, sources=["reuters"])
    second = make_update(briefing)
    violations = {
        "uq_updates_one_pinned_per_briefing": update(Update)
        .where(Update.id == second.id)
        .values(pinned=True),
        "pk_briefing_sources": insert(briefing_sources).values(
            briefing_id=briefing.id, source_id=first.sources[0].id
        ),
    }
    for name, statement in violations.items():
        with pytest.raises(IntegrityError) as caught:
            db.session.execute(statement)
        db.session.rollback()
        assert violated_constraint(caught.value) == name
