"""The dashboard: every briefing with its status and activity; creating a briefing."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for

from briefing.models import BriefingStatus, Role
from briefing.services import briefings, newsroom
from briefing.services.errors import Invalid
from briefing.web.editor import bp
from briefing.web.editor.auth import actor, requires
from briefing.web.editor.forms import BriefingForm, show_errors


@bp.get("/")
@requires(Role.CONTRIBUTOR)
def dashboard() -> Any:
    return _page(_new_briefing_form())


@bp.post("/briefings")
@requires(Role.EDITOR)
def create_briefing() -> Any:
    form = BriefingForm()
    if form.validate_on_submit():
        try:
            briefing = briefings.create_briefing(
                actor=actor(),
                title=form.title.data or "",
                slug=form.slug.data or None,
                standfirst=form.standfirst.data or "",
                timezone=form.timezone.data or "UTC",
                status=BriefingStatus.LIVE if form.go_live.data else BriefingStatus.DRAFT,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            return redirect(url_for("editor.console", slug=briefing.slug))
    return _page(form), 422


def _new_briefing_form() -> BriefingForm:
    form = BriefingForm()
    form.timezone.data = newsroom.latest_briefing_timezone() or "UTC"
    return form


def _page(form: BriefingForm) -> str:
    return render_template(
        "editor/dashboard.html",
        entries=newsroom.dashboard(),
        form=form,
        first_briefing=newsroom.latest_briefing_timezone() is None,
    )
