"""A briefing's console: the composer, the preview, and the updates with their actions.

Each action answers a plain form POST with a redirect (PRG) or the page again with its
errors, and the console's script (`Accept: application/json`) with the same result in one
JSON envelope (`_answer`) carrying `_update.html` fragments: the markup readers, the
console and the live stream share. The view parses the form and picks the answer; what
happens is decided by the service verbs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from briefing.models import Briefing, BriefingStatus, Role, Update, UpdateStatus, User
from briefing.services import newsroom, timeline, updates
from briefing.services.errors import Collision, Conflict, Invalid, NotFound
from briefing.services.idempotency import Idempotency, KeyReused, create_once
from briefing.services.permissions import require_may_touch, sees_drafts
from briefing.services.sources import all_sources
from briefing.web.editor import bp, wants_json
from briefing.web.editor.auth import actor, requires
from briefing.web.editor.forms import (
    ComposerForm,
    EditForm,
    VersionForm,
    show_errors,
    source_choices,
)

CONSOLE_PAGE = 30
ONE_UPDATE = "/briefings/<slug:slug>/updates/<id:update_id>"


@bp.get("/briefings/<slug:slug>")
@requires(Role.CONTRIBUTOR)
def console(slug: str) -> Any:
    briefing = _briefing(slug)
    form = ComposerForm(formdata=None)
    form.sources.data = newsroom.last_sources_used(briefing, actor())
    form.new_key()
    return _console_page(briefing, form)


@bp.post("/briefings/<slug:slug>/updates")
@requires(Role.CONTRIBUTOR)
def compose(slug: str) -> Any:
    """Publish or save a draft, once per composer key; or, without JavaScript, preview."""
    briefing = _briefing(slug)
    form = ComposerForm()
    action = request.form.get("action", "publish")
    if action == "preview":
        return _console_page(briefing, form, preview=_preview(briefing, form))
    user = actor()
    values: dict[str, Any] = {
        "headline": form.headline.data or "",
        "body": form.body.data or "",
        "sources": list(form.sources.data or []),
        "key_event": bool(form.key_event.data),
        "pinned": bool(form.pinned.data),
    }
    status = UpdateStatus.DRAFT if action == "draft" else UpdateStatus.PUBLISHED
    key = form.idempotency_key.data or ""
    idempotency = None
    if key:
        idempotency = Idempotency.for_request(
            key,
            method="POST",
            path=request.path,
            payload={**values, "status": action},
            ttl=timedelta(seconds=current_app.config["IDEMPOTENCY_TTL"]),
        )
    try:
        outcome = create_once(
            lambda remembered: updates.create_update(
                briefing, actor=user, status=status, idempotency=remembered, **values
            ),
            actor=user,
            idempotency=idempotency,
            model=Update,
        )
    except KeyReused:
        # The first attempt went through with other text (a retry after an edit).
        form.form_errors.append(
            _(
                "An earlier attempt to send this update arrived: it is in the list below. "
                "Your text is still here; send it again if it says something new."
            )
        )
        form.new_key()
        return _refused(briefing, form, 409)
    except Invalid as error:
        show_errors(form, error)
        return _refused(briefing, form, 422)
    except Collision:
        form.form_errors.append(_("Another change landed at the same moment: send it again."))
        return _refused(briefing, form, 409)
    item = outcome.resource
    message = _saved_message(item, user)
    if wants_json():
        form = ComposerForm(formdata=None)
        form.new_key()
        return _answer(briefing, message, [item], idempotency_key=form.idempotency_key.data)
    flash(message, "success")
    return redirect(url_for("editor.console", slug=briefing.slug, _anchor=f"update-{item.id}"))


def _saved_message(item: Update, user: User) -> str:
    if item.is_published:
        return _("Published.")
    if user.can(Role.EDITOR):
        # They publish it themselves, from the list below.
        return _("Draft saved.")
    return _("Draft saved; an editor will publish it.")


def _refused(briefing: Briefing, form: ComposerForm, status: int) -> Any:
    if wants_json():
        return _answer(
            briefing,
            _first_error(form),
            status=status,
            errors=_errors(form),
            idempotency_key=form.idempotency_key.data,
        )
    return _console_page(briefing, form, status=status)


@bp.post("/briefings/<slug:slug>/preview")
@requires(Role.CONTRIBUTOR)
def preview(slug: str) -> Any:
    """The update as readers would see it, rendered by the page's own template; not saved."""
    briefing = _briefing(slug)
    return _answer(briefing, "", html=_render_preview(briefing, _preview(briefing, ComposerForm())))


def _preview(briefing: Briefing, form: ComposerForm) -> Update:
    """The composer's (or the edit form's: same field names) text as it would be saved."""
    return updates.preview_update(
        briefing,
        actor=actor(),
        headline=form.headline.data or "",
        body=form.body.data or "",
        sources=list(form.sources.data or []),
        key_event=bool(form.key_event.data),
        pinned=bool(form.pinned.data),
    )


def _render_preview(briefing: Briefing, item: Update) -> str:
    return render_template("_update.html", update=item, briefing=briefing)


@bp.route(ONE_UPDATE + "/edit", methods=["GET", "POST"])
@requires(Role.CONTRIBUTOR)
def edit(slug: str, update_id: int) -> Any:
    """Edit in place. A stale version is refused with both versions side by side, and the
    editor's text stays in the form, now based on the current version."""
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    if request.method == "GET":
        require_may_touch(actor(), item)
        form = EditForm(formdata=None, obj=item)
        form.sources.data = [s.slug for s in item.sources]
        _edit_choices(form, item)
        return _edit_page(briefing, item, form)
    form = EditForm()
    _edit_choices(form, item)
    if not form.validate_on_submit():
        return _edit_page(briefing, item, form, status=422)
    assert form.version.data is not None
    changes: dict[str, Any] = {
        "headline": form.headline.data or "",
        "body": form.body.data or "",
        "sources": list(form.sources.data or []),
        "key_event": bool(form.key_event.data),
    }
    if item.is_published:
        changes["correction"] = form.correction.data or ""
    try:
        item = updates.edit_update(item, actor=actor(), version=form.version.data, **changes)
    except Conflict as conflict:
        current: Update = conflict.current
        # Saving again now replaces the version the editor has just been shown.
        form.version.data, form.version.raw_data = current.version, [str(current.version)]
        form.form_errors.append(
            _(
                "Someone saved this update while you were editing (it is now version "
                "%(version)s). Their version is shown beside yours; yours is kept below. "
                "Save to replace theirs with yours, or cancel to keep theirs.",
                version=current.version,
            )
        )
        return _edit_page(briefing, current, form, status=409, conflict=current)
    except Invalid as error:
        show_errors(form, error)
        return _edit_page(briefing, item, form, status=422)
    if wants_json():
        return _answer(briefing, _("Saved."), [item])
    flash(_("Saved."), "success")
    return _back_to(briefing, item)


def _edit_choices(form: EditForm, item: Update) -> None:
    form.sources.choices = source_choices(all_sources(), [s.slug for s in item.sources])


def _edit_page(
    briefing: Briefing,
    item: Update,
    form: EditForm,
    *,
    status: int = 200,
    conflict: Update | None = None,
) -> Any:
    context = {
        "briefing": briefing,
        "update": item,
        "form": form,
        "conflict": conflict,
        "last_revision": timeline.revisions_of(conflict)[0:1] if conflict else [],
    }
    if wants_json():
        return _answer(
            briefing,
            _first_error(form) if status >= 400 else "",
            status=status,
            errors=_errors(form),
            html=render_template("editor/_edit_form.html", **context),
        )
    return render_template("editor/edit.html", **context), status


@bp.route(ONE_UPDATE + "/delete", methods=["GET", "POST"])
@requires(Role.CONTRIBUTOR)
def delete(slug: str, update_id: int) -> Any:
    """GET asks for confirmation (the script asks in a dialog); POST retracts."""
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    if request.method == "GET":
        require_may_touch(actor(), item)
        return render_template("editor/delete.html", briefing=briefing, update=item)
    updates.retract_update(item, actor=actor())
    message = _("Deleted: readers and feeds no longer show it.")
    if wants_json():
        return _answer(briefing, message, removed=[item.id])
    flash(message, "success")
    return redirect(url_for("editor.console", slug=slug))


@bp.post(ONE_UPDATE + "/pin")
@requires(Role.EDITOR)
def pin(slug: str, update_id: int) -> Any:
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    pinned = updates.set_pinned(item, actor=actor(), pinned=_switched_on())
    message = _("Pinned to the top of the page.") if item.pinned else _("Unpinned.")
    return _acted(briefing, item, message, also=[pinned.displaced])


@bp.post(ONE_UPDATE + "/key-event")
@requires(Role.EDITOR)
def key_event(slug: str, update_id: int) -> Any:
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    updates.set_key_event(item, actor=actor(), key_event=_switched_on())
    message = _("Marked as a key event.") if item.key_event else _("No longer a key event.")
    return _acted(briefing, item, message)


@bp.post(ONE_UPDATE + "/publish")
@requires(Role.EDITOR)
def publish(slug: str, update_id: int) -> Any:
    """One click publishes a draft, as long as it is the version the editor saw."""
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    form = VersionForm()
    if not form.validate_on_submit() or form.version.data is None:
        raise Invalid.field("version", _("Reload the page: this form lacks the draft's version."))
    try:
        item = updates.edit_update(
            item, actor=actor(), version=form.version.data, status=UpdateStatus.PUBLISHED
        )
    except Conflict as conflict:
        detail = _("The draft changed since you loaded it: check the new text and publish again.")
        if wants_json():
            return _answer(briefing, detail, [conflict.current], status=409)
        flash(detail, "error")
        return _back_to(briefing, conflict.current)
    return _acted(briefing, item, _("Published."))


@bp.get(ONE_UPDATE + "/history")
@requires(Role.CONTRIBUTOR)
def history(slug: str, update_id: int) -> Any:
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    context = {"briefing": briefing, "update": item, "revisions": timeline.revisions_of(item)}
    if wants_json():
        return _answer(briefing, "", html=render_template("editor/_history.html", **context))
    return render_template("editor/history.html", **context)


def _switched_on() -> bool:
    """Toggle forms send value=1 to switch on and value=0 to switch off."""
    return request.form.get("value") == "1"


def _acted(
    briefing: Briefing, item: Update, message: str, also: Iterable[Update | None] = ()
) -> Any:
    if wants_json():
        return _answer(briefing, message, [item, *also])
    flash(message, "success")
    return _back_to(briefing, item)


def _back_to(briefing: Briefing, item: Update) -> BaseResponse:
    anchor = f"update-{item.id}"
    return redirect(url_for("editor.console", slug=briefing.slug, _anchor=anchor), 303)


def _answer(
    briefing: Briefing,
    message: str,
    touched: Iterable[Update | None] = (),
    *,
    status: int = 200,
    removed: Iterable[int] = (),
    errors: dict[str, list[str]] | None = None,
    html: str | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """The console script's one answer to every action, done or refused: what happened
    (`message`), the `_update.html` fragment of every update it touched, the ids of those it
    removed, field errors by field name, a panel to show (`html`: preview, edit form,
    history), and the composer's next key."""
    fragments: dict[int, dict[str, Any]] = {}
    for item in touched:
        if item is not None and item.id not in fragments:
            fragment = render_template("_update.html", update=item, briefing=briefing)
            fragments[item.id] = {"id": item.id, "status": item.status.value, "html": fragment}
    body = {
        "message": message,
        "updates": list(fragments.values()),
        "removed": list(removed),
        "errors": errors or {},
        "html": html,
        "idempotency_key": idempotency_key,
    }
    return jsonify(body), status


def _console_page(
    briefing: Briefing,
    form: ComposerForm,
    *,
    preview: Update | None = None,
    status: int = 200,
) -> Any:
    user = actor()
    remembered = newsroom.last_sources_used(briefing, user)
    form.sources.choices = source_choices(all_sources(), list(form.sources.data or remembered))
    page = timeline.updates_page(
        briefing, cursor=request.args.get("before") or None, limit=CONSOLE_PAGE
    )
    html = render_template(
        "editor/console.html",
        briefing=briefing,
        form=form,
        page=page,
        drafts=newsroom.drafts(briefing, author=None if sees_drafts(user) else user),
        preview=_render_preview(briefing, preview) if preview else None,
        may_publish=user.can(Role.EDITOR),
        ended=briefing.status == BriefingStatus.ENDED,
    )
    return html, status


def _briefing(slug: str) -> Briefing:
    return timeline.briefing_by_slug(slug, public=False)


def _update(briefing: Briefing, update_id: int) -> Update:
    """Any update of the briefing the user may see; the verbs decide what they may do."""
    item = timeline.update_in(briefing, update_id, public=False)
    user = actor()
    if item.status == UpdateStatus.DELETED or not (
        sees_drafts(user) or item.is_published or item.author_id == user.id
    ):
        raise NotFound(f"No update {update_id} in briefing {briefing.slug!r}.")
    return item


def _errors(form: Any) -> dict[str, list[str]]:
    """Field errors by field name; errors about the whole form under "_form"."""
    errors = {f.name: list(f.errors) for f in form if f.errors and f.name != "csrf_token"}
    if form.form_errors:
        errors["_form"] = list(form.form_errors)
    return errors


def _first_error(form: Any) -> str:
    for messages in _errors(form).values():
        if messages:
            return str(messages[0])
    return _("Please check the form.")
