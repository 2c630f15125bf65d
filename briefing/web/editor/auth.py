"""Signing in and out, the current user, and the role every view requires.

A small session-based scheme rather than Flask-Login: the session (a signed, HttpOnly,
SameSite=Lax cookie) holds the user's id and a digest of their password hash, so changing
a password ends other sessions; each request reloads the user, so a deactivated account
is signed out at its next click.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from briefing.extensions import db
from briefing.models import Role, User
from briefing.services import throttle
from briefing.services import users as user_service
from briefing.services.errors import Forbidden
from briefing.web.editor import bp, wants_json
from briefing.web.editor.forms import LanguageForm, LoginForm
from briefing.web.errors import problem
from briefing.web.i18n import editor_locale, role_name, use_locale

F = TypeVar("F", bound=Callable[..., Any])
SESSION_USER = "editor_user"
SESSION_CHECK = "editor_check"
WRONG_CREDENTIALS = _l("That email and password do not match an active account.")


def _check(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def current_user() -> User | None:
    """The signed-in, active user of this request, or None."""
    if "editor_user" not in g:  # looked up once per request (`g` lives as long as it)
        g.editor_user = None
        user_id = session.get(SESSION_USER)
        if isinstance(user_id, int):
            user = db.session.get(User, user_id)
            check = str(session.get(SESSION_CHECK, ""))
            if user is not None and user.active and hmac.compare_digest(check, _check(user)):
                g.editor_user = user
    signed_in: User | None = g.editor_user
    return signed_in


def actor() -> User:
    """The current user, in a view that `requires` a role."""
    user = current_user()
    assert user is not None, "view without @requires"
    return user


def requires(role: Role) -> Callable[[F], F]:
    """Sign-in and at least `role` for this view; anonymous visitors are sent to the
    login page (scripts get a 401 they can explain), a lower role gets a 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if wants_json():
                    return problem(401, _("Your session has ended: log in again in another tab."))
                return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
            if not user.can(role):
                raise Forbidden(
                    _(
                        "This page needs the %(role)s role; yours is %(yours)s.",
                        role=role_name(role.value),
                        yours=role_name(user.role.value),
                    )
                )
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def editor_page_context() -> dict[str, Any]:
    """What the editor layout needs on every page (web/errors.py also uses it)."""
    return {"me": current_user(), "Role": Role, "language_form": LanguageForm}


bp.context_processor(editor_page_context)


@bp.before_request
def speak_the_editors_language() -> None:
    user = current_user()
    use_locale(editor_locale(user.language if user else None))


@bp.post("/language")
@requires(Role.CONTRIBUTOR)
def language() -> BaseResponse:
    """The signed-in editor's console language (the selector in every page's header)."""
    user = actor()
    form = LanguageForm()
    back = _safe_next(request.form.get("next")) or url_for("editor.dashboard")
    if form.validate_on_submit():
        user_service.set_user_language(user, actor=user, language=form.language.data or None)
        use_locale(editor_locale(user.language))
        flash(_("The console now speaks this language."), "success")
    else:
        flash(_("Choose one of the languages listed."), "error")
    return redirect(back)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    next_url = _safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        email, password = form.email.data or "", form.password.data or ""
        address = request.remote_addr or "unknown"
        limits = throttle.Limits.from_config(current_app.config)
        locked = throttle.lockout(email, address, limits=limits)
        if locked is not None:
            form.form_errors.append(too_many_failures(locked))
            status = 429
        else:
            user = user_service.authenticate(email, password)
            if user is None:
                throttle.record_failure(email, address, limits=limits)
                form.form_errors.append(str(WRONG_CREDENTIALS))
                status = 401
            else:
                throttle.forget_account_failures(email)
                sign_in(user)
                return redirect(next_url or url_for("editor.dashboard"))
    elif request.method == "POST":
        status = 422
    elif current_user() is not None:
        return redirect(next_url or url_for("editor.dashboard"))
    return render_template("editor/login.html", form=form), status


def too_many_failures(locked: throttle.Lockout) -> str:
    return ngettext(
        "Too many failed sign-in attempts. Wait %(num)d minute before trying again.",
        "Too many failed sign-in attempts. Wait %(num)d minutes before trying again.",
        locked.minutes,
    )


def sign_in(user: User) -> None:
    # A fresh session: nothing set before sign-in (such as a planted id) carries over.
    session.clear()
    session[SESSION_USER] = user.id
    session[SESSION_CHECK] = _check(user)
    g.pop("editor_user", None)


def keep_signed_in(user: User) -> None:
    """After `user`'s password changed in this request: this session stays signed in (with
    the new digest) while every other session of theirs ends."""
    if session.get(SESSION_USER) == user.id:
        session[SESSION_CHECK] = _check(user)
        g.pop("editor_user", None)


@bp.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("editor.login"))


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never an open redirect to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/editor"):
        return None
    if "\\" in target or target.startswith("//"):
        return None
    return target
