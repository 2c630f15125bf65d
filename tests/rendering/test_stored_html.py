"""What the services store is what readers get: hostile text saved through the service verbs
must come back from the database as harmless HTML."""

from __future__ import annotations

import pytest

from briefing.extensions import db
from briefing.services import briefings as briefing_service
from briefing.services import timeline
from briefing.services import updates as update_service
from tests.rendering.hostile import HOSTILE_BODIES, assert_safe_html

STORED_CASES = {
    "script-split-by-inner-script",
    "img-onerror-odd-spacing",
    "attr-list-handler",
    "md-link-hex-entity",
    "md-link-percent-encoded-colon",
    "md-reference-link",
    "svg-use-href",
    "mathml-mxss",
    "noscript-mxss",
    "comment-abrupt-close",
    "nul-inside-scheme",
    "list-440-deep",
    "huge-table",
}
STORED_BODIES = [case for case in HOSTILE_BODIES if case.id in STORED_CASES]


def test_every_stored_case_is_in_the_hostile_set():
    assert {case.id for case in STORED_BODIES} == STORED_CASES


@pytest.mark.parametrize("body", STORED_BODIES)
def test_update_body_is_stored_as_harmless_html(briefing, make_update, body):
    item = make_update(briefing, body=body, headline="Hostile input", sources=["reuters"])
    db.session.expire_all()
    assert_safe_html(timeline.update_in(briefing, item.id).body_html)


@pytest.mark.parametrize("body", STORED_BODIES)
def test_edited_update_body_is_stored_as_harmless_html(briefing, make_update, editor, body):
    item = make_update(briefing, body="Explosions heard in the city centre.")
    update_service.edit_update(item, actor=editor, version=item.version, body=body)
    db.session.expire_all()
    assert_safe_html(timeline.update_in(briefing, item.id).body_html)


@pytest.mark.parametrize(
    "body", [case for case in STORED_BODIES if len(case.values[0]) <= briefing_service.SUMMARY_MAX]
)
def test_briefing_summary_is_stored_as_harmless_html(briefing, editor, body):
    briefing_service.change_briefing(briefing, actor=editor, summary=body)
    db.session.expire_all()
    assert_safe_html(timeline.briefing_by_slug(briefing.slug).summary_html)
