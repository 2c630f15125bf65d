"""Every console view checks the role it needs, and every state change needs a CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from briefing.models import Role, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from briefing.web.errors import CSRF_EXPIRED
from tests.factories import PASSWORD
from tests.web.editor.conftest import JSON, Newsroom, texts

# (method, URL, role needed, form data). {draft} is a contributor's draft, {published} a
# published update, {scheduled} a scheduled one, {user} another account, {token} its API
# token; the briefing is an edition of a series.
B = "/editor/briefings/war"
SOON = datetime.now(UTC) + timedelta(days=2)
ROUTES: list[tuple[str, str, Role, dict[str, Any]]] = [
    ("POST", "/editor/language", Role.CONTRIBUTOR, {"language": "uk"}),
    ("GET", "/editor/", Role.CONTRIBUTOR, {}),
    ("POST", "/editor/briefings", Role.EDITOR, {"title": "New one", "timezone": "UTC"}),
    ("GET", B, Role.CONTRIBUTOR, {}),
    ("POST", B + "/updates", Role.CONTRIBUTOR, {"action": "draft", "body": "New text."}),
    ("POST", B + "/preview", Role.CONTRIBUTOR, {"body": "Preview text."}),
    ("GET", B + "/updates/{draft}/edit", Role.CONTRIBUTOR, {}),
    ("POST", B + "/updates/{draft}/edit", Role.CONTRIBUTOR, {"version": "1", "body": "Edited."}),
    ("GET", B + "/updates/{draft}/delete", Role.CONTRIBUTOR, {}),
    ("POST", B + "/updates/{draft}/delete", Role.CONTRIBUTOR, {}),
    ("GET", B + "/updates/{draft}/history", Role.CONTRIBUTOR, {}),
    ("POST", B + "/updates/{draft}/publish", Role.EDITOR, {"version": "1"}),
    ("POST", B + "/updates/{draft}/schedule", Role.EDITOR,
     {"version": "1", "publish_date": SOON.date().isoformat(), "publish_time": "12:00"}),
    ("POST", B + "/updates/{scheduled}/unschedule", Role.EDITOR, {"version": "1"}),
    ("GET", B + "/events", Role.CONTRIBUTOR, {}),
    ("GET", B + "/changes", Role.CONTRIBUTOR, {}),
    ("POST", B + "/updates/{published}/pin", Role.EDITOR, {"value": "1"}),
    ("POST", B + "/updates/{published}/key-event", Role.EDITOR, {"value": "1"}),
    ("GET", B + "/settings", Role.EDITOR, {}),
    ("POST", B + "/settings", Role.EDITOR,
     {"title": "War", "timezone": "Europe/Kyiv", "language": "en"}),
    ("POST", B + "/settings/preview", Role.EDITOR, {"summary": "- One"}),
    ("POST", B + "/status", Role.EDITOR, {"status": "ended"}),
    ("GET", B + "/next-edition", Role.EDITOR, {}),
    ("POST", B + "/next-edition", Role.EDITOR, {"title": "War: day 2"}),
    ("GET", "/editor/admin/users", Role.ADMIN, {}),
    ("POST", "/editor/admin/users", Role.ADMIN,
     {"email": "new@newsroom.example", "display_name": "New", "role": "editor",
      "password": "a long password"}),
    ("POST", "/editor/admin/users/{user}/role", Role.ADMIN, {"role": "editor"}),
    ("POST", "/editor/admin/users/{user}/active", Role.ADMIN, {"active": "0"}),
    ("GET", "/editor/admin/users/{user}/password", Role.ADMIN, {}),
    ("POST", "/editor/admin/users/{user}/password", Role.ADMIN,
     {"password": "a new long password", "confirm_password": "a new long password"}),
    ("GET", "/editor/account", Role.CONTRIBUTOR, {}),
    ("POST", "/editor/account", Role.CONTRIBUTOR,
     {"current_password": PASSWORD, "password": "a new long password",
      "confirm_password": "a new long password"}),
    ("GET", "/editor/admin/sources", Role.ADMIN, {}),
    ("POST", "/editor/admin/sources", Role.ADMIN,
     {"slug": "bbc", "name": "BBC Monitoring", "url": "https://monitoring.bbc.co.uk/"}),
    ("GET", "/editor/admin/sources/reuters", Role.ADMIN, {}),
    ("POST", "/editor/admin/sources/reuters", Role.ADMIN,
     {"name": "Reuters", "url": "https://www.reuters.com/"}),
    ("GET", "/editor/admin/tokens", Role.ADMIN, {}),
    ("POST", "/editor/admin/tokens", Role.ADMIN, {"user": "{user}", "name": "bot"}),
    ("POST", "/editor/admin/tokens/{token}/revoke", Role.ADMIN, {}),
]  # fmt: skip
OPEN = {"editor.login", "editor.logout"}


@pytest.fixture
def world(app, briefing, make_update, make_user, make_series, contributor) -> dict[str, int]:
    make_series(slug="war-series")
    briefing_service.change_briefing(briefing, actor=OPERATOR, series="war-series")
    draft = make_update(briefing, actor=contributor, status=UpdateStatus.DRAFT)
    published = make_update(briefing)
    scheduled = make_update(briefing, status=UpdateStatus.SCHEDULED, publish_at=SOON)
    other = make_user(Role.CONTRIBUTOR)
    token, _plain = user_service.create_token(other, actor=OPERATOR, name="bot")
    ids = {"draft": draft.id, "published": published.id, "scheduled": scheduled.id}
    return {**ids, "user": other.id, "token": token.id}


def fill(text: str, world: dict[str, int]) -> str:
    return text.format(**world)


def send(session: Newsroom, method: str, url: str, data: dict[str, Any], world) -> Any:
    if method == "GET":
        if url.endswith("/events"):
            # The consoles' stream says hello and ends, as at a shutdown, so it can be read.
            session.app.extensions["briefing.live"].closing.set()
        return session.get(url, buffered=True)
    return session.post(url, {k: fill(v, world) for k, v in data.items()})


def test_every_console_route_is_in_the_access_table(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("editor.") and rule.endpoint not in OPEN
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    table = {
        (method, url.replace("/war", "/<slug:slug>").replace("/reuters", "/<slug:slug>"))
        for method, url, _role, _data in ROUTES
    }
    normalised = set()
    for method, rule in routes:
        rule = rule.replace("<id:update_id>", "{x}").replace("<id:user_id>", "{x}")
        normalised.add((method, rule.replace("<id:token_id>", "{x}")))
    table = {
        (m, u.replace("{draft}", "{x}").replace("{published}", "{x}").replace("{user}", "{x}")
         .replace("{token}", "{x}").replace("{scheduled}", "{x}"))
        for m, u in table
    }  # fmt: skip
    assert normalised == table


@pytest.mark.parametrize(("method", "url", "role", "data"), ROUTES, ids=lambda v: str(v)[:40])
def test_anonymous_visitors_are_sent_to_the_login_page(newsroom, world, method, url, role, data):
    response = send(newsroom(None), method, fill(url, world), data, world)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/editor/login?next=/editor/")


@pytest.mark.parametrize("user_role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize(("method", "url", "role", "data"), ROUTES, ids=lambda v: str(v)[:40])
def test_each_role_reaches_exactly_the_views_it_may_use(
    newsroom, make_user, contributor, world, user_role, method, url, role, data
):
    # The contributor who wrote the draft, or another account of the role.
    user = contributor if user_role == Role.CONTRIBUTOR else make_user(user_role)
    response = send(newsroom(user), method, fill(url, world), data, world)
    if user_role.rank < role.rank:
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
    else:
        assert response.status_code in (200, 302, 303), response.get_data(as_text=True)[:300]
        assert "/editor/login" not in response.headers.get("Location", "")


def test_contributors_cannot_touch_published_updates_or_others_drafts(
    newsroom, briefing, make_update, make_user, contributor
):
    published = make_update(briefing, body="Published by an editor.")
    theirs = make_update(briefing, actor=make_user(Role.CONTRIBUTOR), status=UpdateStatus.DRAFT)
    session = newsroom(contributor)
    assert session.get(f"{B}/updates/{published.id}/edit").status_code == 403
    assert session.post(f"{B}/updates/{published.id}/delete").status_code == 403
    assert session.post(f"{B}/updates/{published.id}/edit", {"version": "1"}).status_code == 403
    # Another contributor's draft does not exist for them.
    assert session.get(f"{B}/updates/{theirs.id}/edit").status_code == 404
    # Asking to publish is refused, not quietly turned into a draft.
    response = session.post(f"{B}/updates", {"action": "publish", "body": "Go!"})
    assert response.status_code == 403


POSTS = [route for route in ROUTES if route[0] == "POST"]


@pytest.mark.parametrize(("method", "url", "role", "data"), POSTS, ids=lambda v: str(v)[:40])
def test_state_changes_without_a_csrf_token_are_refused(
    newsroom, make_user, world, method, url, role, data
):
    session = newsroom(make_user(Role.ADMIN))
    body = {k: fill(v, world) for k, v in data.items()}
    response = session.open(fill(url, world), method="POST", data=body)
    assert response.status_code == 400
    assert texts(Newsroom.parse(response), "//p[@class='error-page__detail']") == [CSRF_EXPIRED]
    forged = session.open(
        fill(url, world), method="POST", data={**body, "csrf_token": "forged"}, headers=JSON
    )
    assert forged.status_code == 400
    assert forged.mimetype == "application/problem+json"
    assert forged.get_json()["detail"] == CSRF_EXPIRED


def test_login_and_logout_need_the_token_too(newsroom, editor):
    session = newsroom(None)
    response = session.open(
        "/editor/login", method="POST", data={"email": editor.email, "password": "x" * 12}
    )
    assert response.status_code == 400
    session = newsroom(editor)
    assert session.open("/editor/logout", method="POST").status_code == 400
    assert session.get("/editor/").status_code == 200


def test_the_api_needs_no_csrf_token(client, make_token, editor):
    response = client.post(
        "/api/v1/briefings",
        json={"title": "From a bot"},
        headers={"Authorization": f"Bearer {make_token(editor)}"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "url",
    ["/editor/nothing-here", "/editor/briefings/no-such-briefing", B + "/updates/abc/edit"],
)
def test_a_404_in_the_editor_speaks_to_editors_in_the_editor_layout(newsroom, editor, world, url):
    response = newsroom(editor).get(url)
    assert response.status_code == 404
    doc = Newsroom.parse(response)
    assert texts(doc, "//h1") == ["We couldn’t find that"]
    assert doc.xpath("//a[@href='/editor/'][contains(., 'Back to the briefings')]")
    # The newsroom's menu, not the reader's page.
    assert doc.xpath("//nav[@aria-label='Newsroom']//a[@href='/editor/account']")
    assert not doc.xpath("//a[@href='/'][contains(., 'See all live briefings')]")


def test_a_404_on_a_reader_page_keeps_reader_wording(client):
    doc = Newsroom.parse(client.get("/briefings/no-such-briefing"))
    assert texts(doc, "//h1") == ["We couldn’t find that page"]
