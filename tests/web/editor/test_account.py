"""Passwords in the console: your own on the account page, anyone's on the admin users
page. A change signs the user's other sessions out; the session that made it stays."""

from __future__ import annotations

import pytest

from briefing.models import Role
from briefing.services import users as user_service
from tests.factories import PASSWORD
from tests.web.editor.conftest import parse, texts

ACCOUNT = "/editor/account"
NEW = "a brand new passphrase"


def change(session, current=PASSWORD, new=NEW, again=None):
    return session.submit(
        ACCOUNT,
        {"current_password": current, "password": new, "confirm_password": again or new},
    )


def signed_in(session) -> bool:
    return session.get("/editor/").status_code == 200


def errors(response, name: str) -> list[str]:
    return texts(parse(response), f"//p[@data-error-for='{name}']")


def test_the_account_page_is_linked_from_every_console_page(newsroom, contributor):
    doc = newsroom(contributor).page("/editor/")
    (link,) = doc.xpath("//nav[@aria-label='Newsroom']//a[@href='/editor/account']")
    assert "Taras Contributor" in link.text_content()


def test_changing_your_password_signs_out_your_other_sessions_only(newsroom, editor, admin):
    here, elsewhere, colleague = newsroom(editor), newsroom(editor), newsroom(admin)
    response = change(here)
    assert response.status_code == 302 and response.headers["Location"] == ACCOUNT
    assert texts(here.page(ACCOUNT), "//div[@class='flashes']/p") == [
        "Your password is changed; your other sessions are signed out."
    ]
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert elsewhere.get("/editor/").headers["Location"].startswith("/editor/login")
    assert signed_in(colleague)
    assert newsroom(None).login(editor, password=PASSWORD).status_code == 401
    assert newsroom(None).login(editor, password=NEW).status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current": "not my password"}, "current_password", "This is not your current password."),
        ({"new": "short"}, "password", "Use at least 10 characters."),
        ({"again": "a different passphrase"}, "confirm_password", "The two new passwords differ."),
    ],
)
def test_password_change_errors_are_shown_on_their_fields(newsroom, editor, data, field, message):
    session = newsroom(editor)
    response = change(session, **data)
    assert response.status_code == 422
    assert errors(response, field) == [message]
    # Nothing typed is sent back into the page.
    assert not parse(response).xpath("//input[@type='password'][@value!='']")
    assert signed_in(session)
    assert user_service.authenticate(editor.email, PASSWORD) == editor


def test_guessing_the_current_password_is_throttled_like_sign_ins(make_app, make_user):
    from tests.web.editor.conftest import Newsroom

    app = make_app(LOGIN_FAILURES_PER_ACCOUNT=2)
    with app.app_context():
        user = make_user(Role.CONTRIBUTOR)
        session = Newsroom(app)
        assert session.login(user).status_code == 302
        for _ in range(2):
            assert change(session, current="a wrong guess").status_code == 422
        locked = change(session)
        assert locked.status_code == 429
        assert "Too many failed sign-in attempts" in " ".join(
            texts(parse(locked), "//div[@data-form-errors]/p")
        )
        assert user_service.authenticate(user.email, PASSWORD) is not None


def test_the_account_page_needs_a_session_and_csrf(newsroom, editor, client):
    assert client.get(ACCOUNT).headers["Location"].startswith("/editor/login")
    session = newsroom(editor)
    forged = session.open(
        ACCOUNT,
        method="POST",
        data={"current_password": PASSWORD, "password": NEW, "confirm_password": NEW},
    )
    assert forged.status_code == 400
    assert user_service.authenticate(editor.email, PASSWORD) == editor


def password_page(user) -> str:
    return f"/editor/admin/users/{user.id}/password"


def test_an_admin_sets_a_users_password_and_signs_all_their_sessions_out(newsroom, admin, editor):
    office, theirs = newsroom(admin), newsroom(editor)
    users = office.page("/editor/admin/users")
    assert users.xpath(f"//a[@href='{password_page(editor)}']")
    response = office.submit(password_page(editor), {"password": NEW, "confirm_password": NEW})
    assert response.headers["Location"] == "/editor/admin/users"
    assert texts(office.page("/editor/admin/users"), "//div[@class='flashes']/p") == [
        "Olena Editor has a new password; their sessions are signed out."
    ]
    assert not signed_in(theirs)
    assert signed_in(office)
    assert newsroom(None).login(editor, password=NEW).status_code == 302


def test_an_admin_setting_their_own_password_stays_signed_in(newsroom, admin):
    office, laptop = newsroom(admin), newsroom(admin)
    office.submit(password_page(admin), {"password": NEW, "confirm_password": NEW})
    assert signed_in(office) and not signed_in(laptop)


def test_set_password_errors_are_shown_on_their_fields(newsroom, admin, editor):
    office = newsroom(admin)
    short = office.submit(password_page(editor), {"password": "short", "confirm_password": "short"})
    assert short.status_code == 422
    assert errors(short, "password") == ["Use at least 10 characters."]
    differ = office.submit(password_page(editor), {"password": NEW, "confirm_password": "other"})
    assert errors(differ, "confirm_password") == ["The two new passwords differ."]
    assert user_service.authenticate(editor.email, PASSWORD) == editor


def test_only_admins_set_other_peoples_passwords(newsroom, editor, contributor):
    session = newsroom(editor)
    assert session.get(password_page(contributor)).status_code == 403
    assert session.post(password_page(contributor), {"password": NEW}).status_code == 403
    assert session.get("/editor/admin/users/999999/password").status_code == 403
