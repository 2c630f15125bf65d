from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import BriefingStatus, Change, ChangeKind, Role
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from briefing.services.errors import Forbidden, Invalid


def test_new_briefing_gets_a_suggested_unique_slug(editor):
    first = briefing_service.create_briefing(actor=editor, title="Floods in Valencia: día 2")
    second = briefing_service.create_briefing(actor=editor, title="Floods in Valencia: día 2")
    assert (first.slug, second.slug) == ("floods-in-valencia-dia-2", "floods-in-valencia-dia-2-2")
    assert first.status == BriefingStatus.DRAFT and first.opened_at is None


def test_every_field_at_fault_is_named(editor):
    with pytest.raises(Invalid) as caught:
        briefing_service.create_briefing(
            actor=editor, title="", slug="Bad Slug!", timezone="Mars/Olympus", language="??"
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"title", "slug", "timezone", "language"}


def test_taken_slug_is_refused(editor, briefing):
    with pytest.raises(Invalid) as caught:
        briefing_service.create_briefing(actor=editor, title="Again", slug="war")
    assert caught.value.errors[0].field == "slug"


def test_briefing_goes_live_ends_and_reopens(editor, make_briefing):
    draft = make_briefing(status=BriefingStatus.DRAFT)
    briefing_service.change_briefing(draft, actor=editor, status=BriefingStatus.LIVE)
    assert draft.opened_at is not None
    opened = draft.opened_at
    briefing_service.change_briefing(draft, actor=editor, status=BriefingStatus.ENDED)
    assert draft.ended_at is not None
    kinds = [
        c.kind
        for c in db.session.scalars(
            select(Change).where(Change.briefing_id == draft.id).order_by(Change.seq)
        )
    ]
    assert kinds[-1] == ChangeKind.BRIEFING_ENDED
    briefing_service.change_briefing(draft, actor=editor, status=BriefingStatus.LIVE)
    assert draft.ended_at is None and draft.opened_at == opened
    with pytest.raises(Invalid):
        briefing_service.change_briefing(draft, actor=editor, status=BriefingStatus.DRAFT)


def test_ended_briefing_takes_no_new_updates(editor, briefing):
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    with pytest.raises(Invalid) as caught:
        update_service.create_update(briefing, actor=editor, body="Late news")
    assert caught.value.errors[0].field == "briefing"


def test_contributors_cannot_create_or_change_briefings(make_user, briefing):
    contributor = make_user(Role.CONTRIBUTOR)
    with pytest.raises(Forbidden):
        briefing_service.create_briefing(actor=contributor, title="Mine")
    with pytest.raises(Forbidden):
        briefing_service.change_briefing(briefing, actor=contributor, title="Renamed")


def test_summary_is_rendered_when_saved(editor, briefing):
    briefing_service.change_briefing(briefing, actor=editor, summary="* **Dam** breached")
    assert briefing.summary_html == "<ul>\n<li><strong>Dam</strong> breached</li>\n</ul>"


def test_unchanged_settings_log_nothing(editor, briefing):
    version = briefing.version
    briefing_service.change_briefing(briefing, actor=editor, title=briefing.title)
    assert briefing.version == version


def test_change_log_sequence_is_gap_free_under_concurrent_publishing(app, briefing, editor):
    """Writers in parallel threads (own sessions) get consecutive sequence numbers."""
    briefing_id, editor_id = briefing.id, editor.id
    errors: list[BaseException] = []

    def publish(n: int) -> None:
        try:
            with app.app_context():
                from briefing.models import Briefing, User

                target = db.session.get(Briefing, briefing_id)
                actor = db.session.get(User, editor_id)
                for i in range(5):
                    update_service.create_update(target, actor=actor, body=f"t{n}-{i}")
        except BaseException as error:  # collected and re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    db.session.expire_all()
    seqs = list(
        db.session.scalars(
            select(Change.seq).where(Change.briefing_id == briefing_id).order_by(Change.seq)
        )
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert db.session.get(type(briefing), briefing_id).version == seqs[-1]
    assert len(seqs) == 1 + 20  # creation, then twenty publishes
