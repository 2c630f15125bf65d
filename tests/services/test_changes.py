"""The change log's reads: what changed, and the version caches key on."""

from __future__ import annotations

from briefing.models import BriefingStatus, ChangeKind
from briefing.services import briefings as briefing_service
from briefing.services import changes


def test_briefing_version_follows_every_change_and_finds_drafts(editor, make_briefing, make_update):
    draft = make_briefing(slug="quiet", status=BriefingStatus.DRAFT)
    found = changes.briefing_version("quiet")
    assert found is not None
    assert (found.briefing_id, found.status, found.version) == (draft.id, BriefingStatus.DRAFT, 1)
    assert found.changed_at == draft.changed_at and found.changed_at.tzinfo is not None

    briefing_service.change_briefing(draft, actor=editor, status=BriefingStatus.LIVE)
    make_update(draft, body="First.")
    moved = changes.briefing_version("quiet")
    assert moved is not None
    assert (moved.status, moved.version) == (BriefingStatus.LIVE, draft.version)
    assert moved.version > found.version and moved.changed_at >= found.changed_at


def test_briefing_version_of_an_unknown_slug_is_none(app):
    assert changes.briefing_version("nowhere") is None


def test_logged_changes_name_the_briefing_and_leave_out_drafts(make_briefing, make_update):
    live = make_briefing(slug="live")
    draft = make_briefing(slug="draft", status=BriefingStatus.DRAFT)
    make_update(live, body="Seen.")
    make_update(live, body="Marked.", key_event=True)
    rings = [(live.id, live.version - 1), (live.id, live.version), (draft.id, draft.version)]
    assert changes.logged_changes(rings) == [
        ("live", ChangeKind.UPDATE_PUBLISHED, False),
        ("live", ChangeKind.UPDATE_PUBLISHED, True),
    ]
