"""Admin pages: users (create, role, deactivate), sources (add, edit), API tokens."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from briefing.models import Role
from briefing.services import sources as source_service
from briefing.services import users as user_service
from briefing.services.errors import Invalid
from briefing.web.editor import bp
from briefing.web.editor.auth import actor, keep_signed_in, requires
from briefing.web.editor.forms import (
    PasswordForm,
    RoleForm,
    SourceForm,
    TokenForm,
    UserForm,
    show_errors,
)
from briefing.web.i18n import role_name


@bp.route("/admin/users", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users() -> Any:
    form = UserForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                user = user_service.create_user(
                    actor=actor(),
                    email=form.email.data or "",
                    display_name=form.display_name.data or "",
                    role=Role(form.role.data),
                    password=form.password.data or "",
                    password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                )
            except Invalid as error:
                show_errors(form, error)
            else:
                flash(
                    _(
                        "Created %(role)s %(email)s.",
                        role=role_name(user.role.value),
                        email=user.email,
                    ),
                    "success",
                )
                return redirect(url_for("editor.users"))
        status = 422
    return render_template(
        "editor/admin/users.html",
        form=form,
        users=user_service.all_users(),
    ), status


@bp.post("/admin/users/<id:user_id>/role")
@requires(Role.ADMIN)
def user_role(user_id: int) -> Any:
    user = user_service.user_by_id(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        _flash_refusal(
            lambda: user_service.change_user_role(user, actor=actor(), role=Role(form.role.data)),
            _(
                "%(name)s is now %(role)s.",
                name=user.display_name,
                role=role_name(form.role.data or ""),
            ),
        )
    else:
        flash(_("Choose a role."), "error")
    return redirect(url_for("editor.users"))


@bp.post("/admin/users/<id:user_id>/active")
@requires(Role.ADMIN)
def user_active(user_id: int) -> Any:
    user = user_service.user_by_id(user_id)
    active = request.form.get("active") == "1"
    _flash_refusal(
        lambda: user_service.set_user_active(user, actor=actor(), active=bool(active)),
        (
            _("%(name)s can now sign in.", name=user.display_name)
            if active
            else _("%(name)s can no longer sign in.", name=user.display_name)
        ),
    )
    return redirect(url_for("editor.users"))


@bp.route("/admin/users/<id:user_id>/password", methods=["GET", "POST"])
@requires(Role.ADMIN)
def user_password(user_id: int) -> Any:
    user = user_service.user_by_id(user_id)
    form = PasswordForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            me = actor()
            try:
                user_service.set_password(
                    user,
                    actor=me,
                    password=form.password.data or "",
                    password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                )
            except Invalid as error:
                show_errors(form, error)
            else:
                keep_signed_in(me)  # when admins set their own
                flash(
                    _(
                        "%(name)s has a new password; their sessions are signed out.",
                        name=user.display_name,
                    ),
                    "success",
                )
                return redirect(url_for("editor.users"))
        status = 422
    html = render_template(
        "editor/admin/password.html",
        form=form,
        user=user,
        password_min=user_service.PASSWORD_MIN,
    )
    return html, status


@bp.route("/admin/sources", methods=["GET", "POST"])
@requires(Role.ADMIN)
def sources() -> Any:
    form = SourceForm()
    status = 200
    if request.method == "POST":
        try:
            source = source_service.create_source(
                actor=actor(),
                slug=form.slug.data or "",
                name=form.name.data or "",
                url=form.url.data or "",
            )
        except Invalid as error:
            show_errors(form, error)
            status = 422
        else:
            flash(_("Added %(name)s.", name=source.name), "success")
            return redirect(url_for("editor.sources"))
    return render_template(
        "editor/admin/sources.html", form=form, sources=source_service.all_sources()
    ), status


@bp.route("/admin/sources/<slug:slug>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def source(slug: str) -> Any:
    item = source_service.source_by_slug(slug)
    if request.method == "GET":
        return render_template(
            "editor/admin/source.html", source=item, form=SourceForm(formdata=None, obj=item)
        )
    form = SourceForm()
    try:
        source_service.change_source(
            item, actor=actor(), name=form.name.data or "", url=form.url.data or ""
        )
    except Invalid as error:
        show_errors(form, error)
        return render_template("editor/admin/source.html", source=item, form=form), 422
    flash(_("Saved %(name)s.", name=item.name), "success")
    return redirect(url_for("editor.sources"))


@bp.route("/admin/tokens", methods=["GET", "POST"])
@requires(Role.ADMIN)
def tokens() -> Any:
    form = _token_form()
    created = None
    status = 200
    if request.method == "POST":
        try:
            owner = user_service.user_by_id(form.user.data or 0)
            token, plain = user_service.create_token(
                owner, actor=actor(), name=form.name.data or ""
            )
        except Invalid as error:
            show_errors(form, error)
            status = 422
        else:
            # Shown in this answer only, never stored: no redirect, and no cache may keep it.
            created = {"token": token, "plain": plain}
            form = _token_form(formdata=None)
    html = render_template(
        "editor/admin/tokens.html", form=form, tokens=user_service.all_tokens(), created=created
    )
    return html, status, {"Cache-Control": "no-store"}


def _token_form(**kwargs: Any) -> TokenForm:
    form = TokenForm(**kwargs)
    form.user.choices = [
        SelectChoice(u.id, f"{u.display_name} <{u.email}> ({role_name(u.role.value)})")
        for u in user_service.all_users()
        if u.active
    ]
    return form


@bp.post("/admin/tokens/<id:token_id>/revoke")
@requires(Role.ADMIN)
def revoke_token(token_id: int) -> Any:
    token = user_service.token_by_id(token_id)
    user_service.revoke_token(token, actor=actor())
    flash(
        _("Revoked the token “%(name)s” (%(prefix)s…).", name=token.name, prefix=token.prefix),
        "success",
    )
    return redirect(url_for("editor.tokens"))


def _flash_refusal(change: Any, success: str) -> None:
    try:
        change()
    except Invalid as error:
        flash(" ".join(e.message for e in error.errors), "error")
    else:
        flash(success, "success")
