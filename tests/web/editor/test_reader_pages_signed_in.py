"""A signed-in editor reads the same shared reader pages as everyone else."""

from __future__ import annotations

from briefing.models import UpdateStatus


def test_a_signed_in_editor_gets_the_shared_page_without_drafts(
    app, desk, newsroom, briefing, make_update
):
    published = make_update(briefing, body="Published.")
    make_update(briefing, body="Draft.", status=UpdateStatus.DRAFT)
    cache = app.extensions["briefing.pages"].cache
    for path in ("/", "/briefings/war", f"/briefings/war/updates/{published.id}"):
        anonymous = newsroom(None).get(path)
        rendered = cache.renders
        signed_in = desk.get(path)
        assert signed_in.status_code == 200
        assert signed_in.data == anonymous.data
        assert cache.renders == rendered  # served from the shared cache
        assert "Set-Cookie" not in signed_in.headers
    ids = desk.page("/briefings/war").xpath("//div[@id='updates']/article/@data-update-id")
    assert ids == [str(published.id)]
