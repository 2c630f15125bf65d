"""Admin pages: users, sources and API tokens."""

from __future__ import annotations

import lxml.html
import pytest

from briefing.models import Role
from briefing.services import sources as source_service
from briefing.services import users as user_service
from tests.web.editor.conftest import Newsroom, parse, texts

USERS = "/editor/admin/users"
NEW_USER = "//form[@action='/editor/admin/users']"


@pytest.fixture
def office(newsroom, admin) -> Newsroom:
    return newsroom(admin)


def flashes(session: Newsroom, url: str) -> list[str]:
    return texts(session.page(url), "//div[@class='flashes']/p")


def test_admin_creates_a_user_who_can_then_log_in(office, newsroom):
    response = office.submit(
        USERS,
        {"email": "New.Person@Newsroom.example", "display_name": "New Person",
         "role": "contributor", "password": "a long password"},
        form=NEW_USER,
    )  # fmt: skip
    assert response.headers["Location"] == USERS
    assert flashes(office, USERS) == ["Created contributor new.person@newsroom.example."]
    user = user_service.user_by_email("new.person@newsroom.example")
    assert user is not None and user.role == Role.CONTRIBUTOR
    assert newsroom(None).login(user, password="a long password").status_code == 302


def test_new_user_errors_are_shown_on_their_fields(office, editor):
    response = office.submit(
        USERS,
        {"email": editor.email, "display_name": "", "role": "editor", "password": "short"},
        form=NEW_USER,
    )
    assert response.status_code == 422
    doc = parse(response)
    assert texts(doc, "//p[@data-error-for='email']") == [
        "An account with this email already exists."
    ]
    assert texts(doc, "//p[@data-error-for='display_name']") == ["This field is required."]
    assert texts(doc, "//p[@data-error-for='password']") == ["Use at least 10 characters."]


def test_admin_changes_a_role_and_deactivates_and_reactivates(office, editor, newsroom):
    role_form = f"//form[@action='/editor/admin/users/{editor.id}/role']"
    office.submit(USERS, {"role": "contributor"}, form=role_form)
    assert user_service.user_by_id(editor.id).role == Role.CONTRIBUTOR
    active_form = f"//form[@action='/editor/admin/users/{editor.id}/active']"
    assert texts(office.page(USERS), f"{active_form}//button") == ["Deactivate"]
    office.submit(USERS, form=active_form)
    assert not user_service.user_by_id(editor.id).active
    assert newsroom(None).login(editor).status_code == 401
    assert texts(office.page(USERS), f"{active_form}//button") == ["Reactivate"]
    office.submit(USERS, form=active_form)
    assert user_service.user_by_id(editor.id).active


def test_admins_cannot_lock_themselves_out(office, admin):
    office.submit(USERS, form=f"//form[@action='/editor/admin/users/{admin.id}/active']")
    office.submit(
        USERS, {"role": "editor"}, form=f"//form[@action='/editor/admin/users/{admin.id}/role']"
    )
    admin = user_service.user_by_id(admin.id)
    assert admin.active and admin.role == Role.ADMIN
    assert office.get("/editor/admin/users").status_code == 200
    doc = office.page(USERS)
    assert texts(doc, "//div[@class='flashes']/p") == []


def test_refusals_are_explained(office, admin):
    office.post(f"/editor/admin/users/{admin.id}/active", {"active": "0"})
    assert flashes(office, USERS) == ["You cannot deactivate your own account; ask another admin."]


SOURCES = "/editor/admin/sources"


def test_admin_adds_and_edits_a_source(office, briefing, make_update, client):
    office.submit(
        SOURCES,
        {
            "name": "BBC Monitoring",
            "slug": "bbc-monitoring",
            "url": "https://monitoring.bbc.co.uk/",
        },
        form="//form[@action='/editor/admin/sources']",
    )
    assert source_service.source_by_slug("bbc-monitoring").name == "BBC Monitoring"
    doc = office.page(SOURCES)
    assert "BBC Monitoring" in texts(doc, "//table//th")
    make_update(briefing, body="Monitored.", sources=["bbc-monitoring"])
    office.submit(f"{SOURCES}/bbc-monitoring", {"name": "BBC Monitoring Service"})
    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert texts(public, "//p[@class='update__credit']") == [
        "With reporting by BBC Monitoring Service"
    ]


def test_source_errors_are_shown_on_their_fields(office):
    response = office.submit(
        SOURCES,
        {"name": "", "slug": "reuters", "url": "javascript:alert(1)"},
        form="//form[@action='/editor/admin/sources']",
    )
    assert response.status_code == 422
    doc = parse(response)
    assert texts(doc, "//p[@data-error-for='name']") == ["This field is required."]
    assert texts(doc, "//p[@data-error-for='url']") == ["Must be an http or https URL."]
    response = office.submit(f"{SOURCES}/reuters", {"url": "ftp://reuters.com"})
    assert response.status_code == 422
    assert texts(parse(response), "//p[@data-error-for='url']") == ["Must be an http or https URL."]


TOKENS = "/editor/admin/tokens"


def test_a_new_token_is_shown_once_works_and_can_be_revoked(office, editor, client):
    response = office.submit(
        TOKENS,
        {"user": str(editor.id), "name": "wire bot"},
        form="//form[@action='/editor/admin/tokens']",
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    plain = parse(response).xpath("//input[@id='new-token']/@value")[0]
    assert plain.startswith("brf_")
    assert plain not in office.get(TOKENS).get_data(as_text=True)

    api = client.get("/api/v1/briefings", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    row = office.page(TOKENS).xpath("//tr[th='wire bot']")[0]
    assert texts(row, "./td")[0] == "Olena Editor"
    assert texts(row, "./td")[2] != "never"  # last use is listed

    office.submit(TOKENS, form="//form[contains(@action,'/revoke')]")
    assert (
        client.get("/api/v1/briefings", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 401
    )
    assert "revoked" in texts(office.page(TOKENS), "//tr[th='wire bot']/td")[-1]


def test_token_needs_a_name(office, editor):
    response = office.submit(
        TOKENS, {"user": str(editor.id), "name": " "}, form="//form[@action='/editor/admin/tokens']"
    )
    assert response.status_code == 422
    assert texts(parse(response), "//p[@data-error-for='name']") == ["This field is required."]
