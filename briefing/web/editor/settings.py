"""A briefing's settings: title, standfirst, summary box, timezone, series; go live, end,
reopen; open the next edition of its series."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from briefing.models import Briefing, BriefingStatus, Role
from briefing.rendering.markdown import render_markdown
from briefing.services import briefings, media, series, timeline
from briefing.services.errors import Invalid
from briefing.web.editor import bp, wants_json
from briefing.web.editor.auth import actor, requires
from briefing.web.editor.forms import NextEditionForm, SettingsForm, StatusForm, show_errors

STATUS_MESSAGES = {
    BriefingStatus.LIVE: _l("The briefing is live: readers can see it."),
    BriefingStatus.ENDED: _l(
        "Coverage has ended. The page stays readable; reopen it to post again."
    ),
}


@bp.route("/briefings/<slug:slug>/settings", methods=["GET", "POST"])
@requires(Role.EDITOR)
def settings(slug: str) -> Any:
    briefing = timeline.briefing_by_slug(slug, public=False)
    if request.method == "GET":
        form = SettingsForm(formdata=None, obj=briefing, current_timezone=briefing.timezone)
        form.lead_media.data = str(briefing.lead_media_id or "")
        form.series.data = briefing.series.slug if briefing.series else ""
        return _page(briefing, form)
    form = SettingsForm(current_timezone=briefing.timezone)
    if request.form.get("action") == "preview":  # without JavaScript
        return _page(briefing, form, preview=render_markdown(form.summary.data or ""))
    if form.validate_on_submit():
        try:
            briefings.change_briefing(
                briefing,
                actor=actor(),
                title=form.title.data or "",
                standfirst=form.standfirst.data or "",
                summary=form.summary.data or "",
                timezone=form.timezone.data or "",
                language=form.language.data or "",
                lead_media=_photo_id(form.lead_media.data),
                series=form.series.data or None,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("editor.settings", slug=slug))
    return _page(briefing, form, status=422)


@bp.post("/briefings/<slug:slug>/settings/preview")
@requires(Role.EDITOR)
def summary_preview(slug: str) -> Any:
    """The summary box as readers will see it; not saved."""
    timeline.briefing_by_slug(slug, public=False)
    return jsonify(html=render_markdown(request.form.get("summary", "")))


@bp.post("/briefings/<slug:slug>/status")
@requires(Role.EDITOR)
def change_status(slug: str) -> Any:
    briefing = timeline.briefing_by_slug(slug, public=False)
    form = StatusForm()
    try:
        status = BriefingStatus(form.status.data or "")
    except ValueError:
        raise Invalid.field("status", _("Choose live or ended.")) from None
    try:
        briefings.change_briefing(briefing, actor=actor(), status=status)
    except Invalid as error:
        show_errors(form, error)
        flash(" ".join(form.form_errors + form.status.errors), "error")
    else:
        flash(str(STATUS_MESSAGES.get(status, _("Status changed."))), "success")
    if wants_json():
        return jsonify(status=briefing.status.value)
    return redirect(url_for("editor.settings", slug=slug))


@bp.route("/briefings/<slug:slug>/next-edition", methods=["GET", "POST"])
@requires(Role.EDITOR)
def next_edition(slug: str) -> Any:
    """GET asks for confirmation; POST ends this series' current edition and opens the
    next one live, then shows its console."""
    briefing = timeline.briefing_by_slug(slug, public=False)
    if briefing.series is None:
        raise Invalid.field("series", _("This briefing is in no series."))
    form = NextEditionForm()
    status = 200
    if form.validate_on_submit():
        try:
            opened = briefings.next_edition(
                briefing.series, actor=actor(), title=form.title.data or None
            )
        except Invalid as error:
            show_errors(form, error)
            status = 422
        else:
            flash(_("The next edition is live: %(title)s.", title=opened.title), "success")
            return redirect(url_for("editor.console", slug=opened.slug))
    current = series.current_edition(briefing.series)
    page = render_template(
        "editor/next_edition.html", briefing=briefing, current=current, form=form
    )
    return page, status


def _photo_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise Invalid.field("lead_media", _("Choose one of the photos listed."))
    return int(value)


def _page(
    briefing: Briefing, form: SettingsForm, *, preview: str | None = None, status: int = 200
) -> Any:
    photos = media.recent_media()
    if briefing.lead_media is not None and briefing.lead_media not in photos:
        photos.insert(0, briefing.lead_media)
    form.lead_media.choices = [("", _("No lead photo"))] + [
        (
            str(photo.id),
            _(
                "%(alt)s (%(credit)s)",
                alt=photo.alt or _("No alt text yet"),
                credit=photo.credit or _("no credit"),
            ),
        )
        for photo in photos
    ]
    form.series.choices = [("", _("In no series"))] + [
        (found.slug, found.title) for found in series.all_series()
    ]
    return render_template(
        "editor/settings.html", briefing=briefing, form=form, preview=preview
    ), status
