from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from briefing.extensions import db
from briefing.models import Change, ChangeKind, Revision, Update, UpdateStatus
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


def test_pinning_a_second_update_unpins_the_first_and_says_so(briefing, make_update, editor):
    first = make_update(briefing, pinned=True)
    second = make_update(briefing)
    pinned = update_service.set_pinned(second, actor=editor, pinned=True)
    assert (pinned.update, pinned.displaced) == (second, first)
    db.session.refresh(first)
    assert (first.pinned, second.pinned) == (False, True)
    unpinned = update_service.set_pinned(second, actor=editor, pinned=False)
    assert (unpinned.update, unpinned.displaced) == (second, None)


def test_preview_is_a_real_update_rendered_as_saved_but_never_stored(briefing, editor):
    before = briefing.version
    item = update_service.preview_update(
        briefing,
        actor=editor,
        headline="  Two   spaces ",
        body="**Bold** [x](javascript:alert(1))",
        sources=["AFP", "reuters", "afp", "unknown"],
        key_event=True,
        pinned=True,
    )
    assert isinstance(item, Update)
    assert item not in db.session
    assert item.id is None and not db.session.new
    assert item.headline == "Two spaces"
    assert item.body_html.startswith("<p><strong>Bold</strong>")
    assert item.credit == "With reporting by AFP and Reuters"
    assert (item.key_event, item.pinned, item.is_published) == (True, True, True)
    assert item.author is editor and item.published_at is not None
    saved = update_service.create_update(
        briefing, actor=editor, headline="  Two   spaces ", body="**Bold** [x](javascript:alert(1))"
    )
    assert (saved.headline, saved.body_html) == (item.headline, item.body_html)
    assert db.session.scalar(select(func.count(Update.id))) == 1
    assert briefing.version == before + 1


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


def _kinds(briefing):
    return [
        c.kind
        for c in db.session.scalars(
            select(Change).where(Change.briefing_id == briefing.id).order_by(Change.seq)
        )
    ]


def test_retraction_is_soft_unpins_and_is_logged(briefing, make_update, editor):
    item = make_update(briefing, body="Wrong", pinned=True)
    update_service.retract_update(item, actor=editor)
    db.session.refresh(item)
    assert item.status == UpdateStatus.DELETED and item.deleted_at is not None
    assert item.pinned is False and item.body == "Wrong"  # the row and its text stay
    assert _kinds(briefing)[-1] == ChangeKind.UPDATE_DELETED
    with pytest.raises(Invalid):
        update_service.edit_update(item, actor=editor, version=item.version, body="Again")


def test_key_event_and_pin_toggles_log_their_own_kinds_without_a_version(
    briefing, make_update, editor
):
    item = make_update(briefing, body="x")
    update_service.set_key_event(item, actor=editor, key_event=True)
    update_service.set_pinned(item, actor=editor, pinned=True)
    update_service.set_pinned(item, actor=editor, pinned=False)
    assert _kinds(briefing)[-3:] == [
        ChangeKind.KEY_EVENT,
        ChangeKind.UPDATE_PINNED,
        ChangeKind.UPDATE_UNPINNED,
    ]
    assert item.version == 1  # text untouched: open edit forms stay valid


def test_edit_keeps_a_revision_with_headline_body_and_sources(briefing, make_update, editor):
    item = make_update(briefing, headline="Old", body="Old body", sources=["reuters"])
    update_service.edit_update(item, actor=editor, version=1, headline="New", sources=["afp"])
    revision = db.session.scalars(select(Revision).where(Revision.update_id == item.id)).one()
    assert (revision.headline, revision.body, revision.source_slugs, revision.version) == (
        "Old",
        "Old body",
        ["reuters"],
        1,
    )
    assert item.edited_at is not None and item.version == 2
    assert item.credit == "With reporting by AFP"


def test_editor_publishes_a_contributors_draft(briefing, make_user, editor):
    from briefing.models import Role

    contributor = make_user(Role.CONTRIBUTOR)
    draft = update_service.create_update(
        briefing, actor=contributor, body="From the field", status=UpdateStatus.DRAFT
    )
    with pytest.raises(Forbidden):
        update_service.edit_update(
            draft, actor=contributor, version=1, status=UpdateStatus.PUBLISHED
        )
    update_service.edit_update(draft, actor=editor, version=1, status=UpdateStatus.PUBLISHED)
    assert draft.status == UpdateStatus.PUBLISHED and draft.published_at is not None
    assert draft.edited_at is None  # publishing is not an edit readers need to be told about
    assert _kinds(briefing)[-1] == ChangeKind.UPDATE_PUBLISHED


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1900, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, tzinfo=UTC),
        datetime.now(UTC) + timedelta(hours=2),
        datetime(2026, 1, 1),  # no offset
    ],
)
def test_absurd_publication_times_are_refused(briefing, editor, moment):
    with pytest.raises(Invalid) as caught:
        update_service.create_update(briefing, actor=editor, body="x", published_at=moment)
    assert caught.value.errors[0].field == "published_at"


def test_backdated_update_keeps_its_time(briefing, make_update):
    moment = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    assert make_update(briefing, body="Late entry", published_at=moment).published_at == moment


def test_control_characters_are_stripped_before_saving(briefing, make_update):
    item = make_update(briefing, headline="Head\x00line\x1b", body="Body\x07 text\r\nnext")
    assert item.headline == "Headline" and item.body == "Body text\nnext"
