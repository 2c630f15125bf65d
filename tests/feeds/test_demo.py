"""The demo briefing's feeds, as feed readers see them."""

from __future__ import annotations

from datetime import datetime

import lxml.html

from briefing import demo
from briefing.services import feed_queries, timeline
from briefing.services.permissions import OPERATOR
from tests.feeds.conftest import SITE, fetch


def test_the_demo_briefing_feeds_are_correct_in_a_feed_readers_eyes(
    client, app, atom_schema_errors
):
    demo.seed("demo-admin-password", actor=OPERATOR)
    briefing = timeline.briefing_by_slug(demo.DEMO_SLUG)
    updates = feed_queries.latest_published(briefing)
    assert 15 <= len(updates) <= 50
    by_id = {f"tag:briefing.invalid,2026:update/{u.id}": u for u in updates}

    atom = fetch(client, "/briefings/demo/feed.atom")
    rss = fetch(client, "/briefings/demo/feed.rss")
    json_feed = fetch(client, "/briefings/demo/feed.json")
    assert atom.feed.title == rss.feed.title == json_feed.feed.title == demo.TITLE
    names = sorted({s.name for u in updates for s in u.sources}, key=str.lower)
    assert (
        atom.feed.rights
        == rss.feed.rights
        == "© Briefing. With reporting by " + (", ".join(names[:-1]) + " and " + names[-1] + ".")
    )

    for fetched in (atom, rss, json_feed):
        assert [e.id for e in fetched.entries] == list(by_id)
        for entry in fetched.entries:
            item = by_id[entry.id]
            assert entry.title == item.title_text
            assert entry.link == f"{SITE}/briefings/demo/updates/{item.id}"
            assert entry.author == item.author.display_name
            content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
            if item.sources:
                assert content.xpath("./p")[-1].text_content() == item.credit
            if item.correction:
                [note] = content.xpath("./p[strong = 'Correction:']")
                assert note.text_content() == f"Correction: {item.correction}"
    for entry in atom.entries:
        item = by_id[entry.id]
        assert datetime.fromisoformat(entry.published) == item.published_at
        assert datetime.fromisoformat(entry.updated) == (item.edited_at or item.published_at)
        assert [(c.name, c.href) for c in entry.get("contributors", [])] == [
            (s.name, s.url) for s in item.sources
        ]
        assert ("Key event" in [t.label for t in entry.get("tags", [])]) == item.key_event
    edited = [u for u in updates if u.edited_at]
    assert edited, "the demo corrects some updates"

    assert atom_schema_errors(atom.response.data, client.get("/feed.atom").data) == []
    for fmt in ("rss", "atom", "json"):
        assert len(fetch(client, f"/feed.{fmt}").entries) == len(updates)
