from __future__ import annotations

import pytest
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Change, ChangeKind, Revision, UpdateStatus
from briefing.services import updates as update_service
from briefing.services.errors import Conflict, Forbidden, Invalid


def test_publish_renders_once_and_logs_a_change(briefing, make_update):
    start = briefing.version
    item = make_update(
        briefing,
        body="**Explosions** heard in [Kyiv](https://example.com/k)",
        sources=["reuters", "afp"],
    )
    assert item.body_html.startswith("<p><strong>Explosions</strong>")
    assert 'rel="noopener noreferrer nofollow ugc"' in item.body_html
    assert item.body_text == "Explosions heard in Kyiv"
    assert [s.slug for s in item.sources] == ["reuters", "afp"]
    assert briefing.version == start + 1
    change = db.session.scalar(select(Change).where(Change.seq == briefing.version))
    assert change.kind == ChangeKind.UPDATE_PUBLISHED and change.update_id == item.id


def test_stale_edit_is_refused_and_nothing_is_lost(briefing, make_update, editor):
    item = make_update(briefing, body="First text")
    update_service.edit_update(item, actor=editor, version=1, body="Second text")
    with pytest.raises(Conflict) as caught:
        update_service.edit_update(item, actor=editor, version=1, body="Third text")
    assert caught.value.current.version == 2
    assert caught.value.current.body == "Second text"
    revisions = db.session.scalars(select(Revision).where(Revision.update_id == item.id)).all()
    assert [r.body for r in revisions] == ["First text"]


def test_pinning_a_second_update_unpins_the_first(briefing, make_update, editor):
    first = make_update(briefing, pinned=True)
    second = make_update(briefing)
    update_service.set_pinned(second, actor=editor, pinned=True)
    db.session.refresh(first)
    assert (first.pinned, second.pinned) == (False, True)


def test_contributor_may_only_save_drafts(briefing, make_user):
    from briefing.models import Role

    contributor = make_user(Role.CONTRIBUTOR)
    with pytest.raises(Forbidden):
        update_service.create_update(briefing, actor=contributor, body="x")
    draft = update_service.create_update(
        briefing, actor=contributor, body="x", status=UpdateStatus.DRAFT
    )
    assert draft.status == UpdateStatus.DRAFT and draft.published_at is None


def test_unknown_source_is_named(briefing, editor):
    with pytest.raises(Invalid) as caught:
        update_service.create_update(briefing, actor=editor, body="x", sources=["nope"])
    assert caught.value.errors[0].field == "sources"
    assert "nope" in caught.value.errors[0].message


def test_briefing_credits_follow_publication_edits_and_retractions(briefing, make_update, editor):
    def credited():
        db.session.expire(briefing, ["credited_sources"])
        return [s.slug for s in briefing.credited_sources]

    first = make_update(briefing, body="a", sources=["reuters"])
    make_update(briefing, body="b", sources=["afp", "reuters"])
    draft = make_update(briefing, body="c", sources=["ap"], status=UpdateStatus.DRAFT)
    assert credited() == ["afp", "reuters"]  # by name, AFP before Reuters; drafts do not count
    update_service.edit_update(draft, actor=editor, version=1, status=UpdateStatus.PUBLISHED)
    assert credited() == ["afp", "ap", "reuters"]
    update_service.edit_update(first, actor=editor, version=1, sources=["dpa"])
    update_service.retract_update(draft, actor=editor)
    assert credited() == ["afp", "dpa", "reuters"]
