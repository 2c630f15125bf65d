"""Your account: change your own password (SPEC §12). Admins set other people's in
admin.py; both end the user's other sessions (auth.py)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from briefing.models import Role
from briefing.services import throttle
from briefing.services import users as user_service
from briefing.services.errors import Invalid
from briefing.web.editor import bp
from briefing.web.editor.auth import actor, keep_signed_in, requires, too_many_failures
from briefing.web.editor.forms import PasswordChangeForm, show_errors


@bp.route("/account", methods=["GET", "POST"])
@requires(Role.CONTRIBUTOR)
def account() -> Any:
    form = PasswordChangeForm()
    if not form.is_submitted():
        return _page(form)
    me = actor()
    # A wrong current password counts as a failed sign-in: a borrowed session must not
    # become a way to guess the password.
    limits = throttle.Limits.from_config(current_app.config)
    address = request.remote_addr or "unknown"
    locked = throttle.lockout(me.email, address, limits=limits)
    if locked is not None:
        form.form_errors.append(too_many_failures(locked))
        return _page(form), 429
    if form.validate():
        try:
            user_service.change_own_password(
                me,
                actor=me,
                current_password=form.current_password.data or "",
                new_password=form.password.data or "",
                password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except Invalid as error:
            if any(item.field == "current_password" for item in error.errors):
                throttle.record_failure(me.email, address, limits=limits)
            show_errors(form, error)
        else:
            keep_signed_in(me)
            flash(_("Your password is changed; your other sessions are signed out."), "success")
            return redirect(url_for("editor.account"))
    return _page(form), 422


def _page(form: PasswordChangeForm) -> str:
    return render_template("editor/account.html", form=form, password_min=user_service.PASSWORD_MIN)
