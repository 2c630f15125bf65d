"""Signing in and out: the session cookie, throttled failures, inactive accounts."""

from __future__ import annotations

from briefing.models import Role
from briefing.models.base import utcnow
from briefing.services import throttle
from briefing.services import users as user_service
from tests.web.editor.conftest import Newsroom, parse, texts

LIMITS = throttle.Limits()

WRONG = "That email and password do not match an active account."


def login_errors(response):
    return texts(parse(response), "//div[@data-form-errors]/p")


def test_login_form_has_email_password_and_csrf_fields(newsroom):
    doc = newsroom(None).page("/editor/login")
    form = doc.xpath("//form[@method='post']")[0]
    names = {e.get("name") for e in form.xpath(".//input")}
    assert {"email", "password", "csrf_token"} <= names
    assert form.xpath(".//input[@name='password']/@type") == ["password"]


def test_login_sets_a_hardened_session_cookie_and_opens_the_dashboard(newsroom, editor):
    session = newsroom(None)
    response = session.login(editor)
    assert response.status_code == 302
    assert response.headers["Location"] == "/editor/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie  # the test SITE_URL is https
    doc = session.page("/editor/")
    assert texts(doc, "//h1") == ["Briefings"]
    assert "Olena Editor" in texts(doc, "//nav[@aria-label='Newsroom']")[0]


def test_session_cookie_is_not_secure_over_plain_http(make_app, make_user):
    app = make_app(SITE_URL="http://127.0.0.1:5000")
    with app.app_context():
        user = make_user(Role.EDITOR)
        response = Newsroom(app).login(user)
    assert "Secure" not in response.headers["Set-Cookie"]


def test_wrong_password_and_unknown_email_get_the_same_answer(newsroom, editor):
    session = newsroom(None)
    wrong = session.login(editor, password="not the password at all")
    unknown = session.submit(
        "/editor/login", {"email": "nobody@newsroom.example", "password": "whatever123"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert login_errors(wrong) == login_errors(unknown) == [WRONG]
    # The email typed is kept; the password is not sent back.
    form = parse(wrong).xpath("//form")[0]
    assert form.xpath(".//input[@name='email']/@value") == [editor.email]
    assert form.xpath(".//input[@name='password']/@value") in ([], [""])


def test_empty_fields_are_named(newsroom):
    response = newsroom(None).submit("/editor/login", {"email": "", "password": ""})
    assert response.status_code == 422
    doc = parse(response)
    assert texts(doc, "//p[@data-error-for='email']") == ["Enter your email address."]
    assert texts(doc, "//p[@data-error-for='password']") == ["Enter your password."]


def test_inactive_user_is_refused(newsroom, editor, make_user):
    admin = make_user(Role.ADMIN)
    user_service.set_user_active(editor, actor=admin, active=False)
    response = newsroom(None).login(editor)
    assert response.status_code == 401
    assert login_errors(response) == [WRONG]


def test_deactivation_ends_an_open_session(newsroom, editor, make_user):
    session = newsroom(editor)
    assert session.get("/editor/").status_code == 200
    user_service.set_user_active(editor, actor=make_user(Role.ADMIN), active=False)
    response = session.get("/editor/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/editor/login")


def test_failed_logins_lock_the_account_even_for_the_right_password(newsroom, editor, make_user):
    session = newsroom(None)
    for _ in range(throttle.FAILURES_PER_ACCOUNT):
        assert session.login(editor, password="wrong password!").status_code == 401
    locked = session.login(editor)
    assert locked.status_code == 429
    [message] = login_errors(locked)
    assert message.startswith("Too many failed sign-in attempts. Wait 15 minutes")
    # Another account from the same address still signs in.
    assert session.login(make_user(Role.EDITOR)).status_code == 302


def test_lockout_says_the_same_for_an_account_that_does_not_exist(newsroom, editor):
    session = newsroom(None)
    ghost = {"email": "ghost@newsroom.example", "password": "wrong password!"}
    for _ in range(throttle.FAILURES_PER_ACCOUNT):
        session.submit("/editor/login", ghost)
        session.login(editor, password="wrong password!")
    assert login_errors(session.submit("/editor/login", ghost)) == login_errors(
        session.login(editor)
    )


def test_failures_from_one_address_lock_it_across_accounts(make_app, make_user):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    with app.app_context():
        users = [make_user(Role.EDITOR) for _ in range(4)]
        session = Newsroom(app)
        for user in users[:3]:
            assert session.login(user, password="wrong password!").status_code == 401
        assert session.login(users[3]).status_code == 429
        # Another client address is not affected.
        other = Newsroom(app)
        response = other.open(
            "/editor/login",
            method="POST",
            data={"email": users[3].email, "password": "correct horse battery staple",
                  "csrf_token": other.csrf_token()},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )  # fmt: skip
        assert response.status_code == 302


def test_a_successful_login_clears_the_account_failures(newsroom, editor):
    session = newsroom(None)
    for _ in range(throttle.FAILURES_PER_ACCOUNT - 1):
        session.login(editor, password="wrong password!")
    assert session.login(editor).status_code == 302
    session = newsroom(None)
    assert session.login(editor, password="wrong password!").status_code == 401
    assert session.login(editor).status_code == 302


def test_lockout_lifts_when_the_failures_leave_the_window(app, editor):
    for _ in range(throttle.FAILURES_PER_ACCOUNT):
        throttle.record_failure(editor.email, "198.51.100.7", limits=LIMITS)
    now = utcnow()
    locked = throttle.lockout(editor.email.upper(), "192.0.2.1", limits=LIMITS, now=now)
    assert locked is not None and locked.minutes == 15
    later = now + throttle.WINDOW
    assert throttle.lockout(editor.email, "192.0.2.1", limits=LIMITS, now=later) is None


def test_next_leads_back_into_the_console_but_never_off_site(newsroom, editor, briefing):
    anonymous = newsroom(None)
    response = anonymous.get("/editor/briefings/war")
    assert response.headers["Location"] == "/editor/login?next=/editor/briefings/war"
    response = anonymous.submit(
        "/editor/login?next=/editor/briefings/war",
        {"email": editor.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == "/editor/briefings/war"
    for target in ("https://evil.example/", "//evil.example/editor", "/briefings/war"):
        session = newsroom(None)
        response = session.submit(
            f"/editor/login?next={target}",
            {"email": editor.email, "password": "correct horse battery staple"},
        )
        assert response.headers["Location"] == "/editor/", target


def test_logout_ends_the_session(desk):
    doc = desk.page("/editor/")
    assert doc.xpath("//form[@action='/editor/logout']")
    response = desk.submit("/editor/", form="//form[@action='/editor/logout']")
    assert response.headers["Location"] == "/editor/login"
    assert desk.get("/editor/").status_code == 302


def test_login_page_and_dashboard_are_never_cached_publicly(desk):
    response = desk.get("/editor/")
    assert "public" not in response.headers.get("Cache-Control", "")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
