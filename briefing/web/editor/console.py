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
from briefing.rendering.credit import agencies_named
from briefing.rendering.textdiff import WordDiff, word_diff
from briefing.rendering.timefmt import iso
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
    ScheduleForm,
    VersionForm,
    show_errors,
    source_choices,
)
from briefing.web.i18n import listed, reader_time, reporting_by

CONSOLE_PAGE = 30
# What the composer's buttons do.
COMPOSER_ACTIONS = {
    "publish": UpdateStatus.PUBLISHED,
    "draft": UpdateStatus.DRAFT,
    "schedule": UpdateStatus.SCHEDULED,
}
ONE_UPDATE = "/briefings/<slug:slug>/updates/<id:update_id>"


@bp.get("/briefings/<slug:slug>")
@requires(Role.CONTRIBUTOR)
def console(slug: str) -> Any:
    briefing = _briefing(slug)
    form = ComposerForm(formdata=None)
    form.new_key()
    return _console_page(briefing, form)


@bp.post("/briefings/<slug:slug>/updates")
@requires(Role.CONTRIBUTOR)
def compose(slug: str) -> Any:
    """Publish or save a draft, once per composer key; without JavaScript, also preview or
    take up a suggested set of sources. A publish whose text names an agency it does not
    credit is first asked about, once (`_credit_question`), and so is an edit of a published
    update that newly names one."""
    briefing = _briefing(slug)
    form = ComposerForm()
    action = request.form.get("action", "publish")
    if action == "preview":
        return _console_page(briefing, form, preview=_preview(briefing, form))
    if action.startswith("suggest:"):
        form.sources.data = _added(form.sources.data, action.removeprefix("suggest:").split())
        return _console_page(briefing, form)
    user = actor()
    values: dict[str, Any] = {
        "headline": form.headline.data or "",
        "body": form.body.data or "",
        "sources": list(form.sources.data or []),
        "key_event": bool(form.key_event.data),
        "pinned": bool(form.pinned.data),
    }
    if action.startswith("credit:"):  # "Credit Reuters and publish", without JavaScript
        form.sources.choices = source_choices(all_sources(), [])
        values["sources"] = _credit_too(form, action)
        # What the question was asked before: publishing, or scheduling.
        action = "schedule" if request.form.get("credit_answer") == "schedule" else "publish"
    elif action in ("publish", "schedule"):
        unasked = _uncredited(values)
        if unasked:
            question = _credit_question(unasked, answer=action)
            if wants_json():
                return _asked(briefing, question, idempotency_key=form.idempotency_key.data)
            return _console_page(briefing, form, credit_check=question)
    status = COMPOSER_ACTIONS.get(action, UpdateStatus.PUBLISHED)
    publish_at = form.publish_at_in(briefing.timezone) if status == UpdateStatus.SCHEDULED else None
    key = form.idempotency_key.data or ""
    idempotency = None
    if key:
        idempotency = Idempotency.for_request(
            key,
            method="POST",
            path=request.path,
            payload={**values, "status": action, "publish_at": publish_at and iso(publish_at)},
            ttl=timedelta(seconds=current_app.config["IDEMPOTENCY_TTL"]),
        )
    try:
        outcome = create_once(
            lambda remembered: updates.create_update(
                briefing,
                actor=user,
                status=status,
                publish_at=publish_at,
                idempotency=remembered,
                **values,
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
    message, kind = _credit_warning(item, _saved_message(briefing, item, user))
    if wants_json():
        form = ComposerForm(formdata=None)
        form.new_key()
        # The set just used joins the suggestions; the picker itself starts empty again.
        suggestions = newsroom.recent_source_sets(briefing, user)
        return _answer(
            briefing,
            message,
            [item],
            idempotency_key=form.idempotency_key.data,
            suggestions=render_template("editor/_suggestions.html", suggestions=suggestions),
        )
    flash(message, kind)
    return redirect(url_for("editor.console", slug=briefing.slug, _anchor=f"update-{item.id}"))


def _saved_message(briefing: Briefing, item: Update, user: User) -> str:
    if item.is_published:
        return _("Published.")
    if item.status == UpdateStatus.SCHEDULED and item.publish_at is not None:
        when = reader_time(item.publish_at, briefing.timezone)
        return _("Scheduled for %(time)s.", time=when)
    if user.can(Role.EDITOR):
        # They publish it themselves, from the list below.
        return _("Draft saved.")
    return _("Draft saved; an editor will publish it.")


def _credit_warning(item: Update, message: str) -> tuple[str, str]:
    """Nothing goes out uncredited silently: the message (and its kind) says so, no block."""
    if item.is_published and not item.sources:
        return message + " " + _(
            "It credits no source: edit it to add one if it should."
        ), "warning"
    return message, "success"


def _uncredited(values: dict[str, Any], *, known: Iterable[str] = ()) -> list[str]:
    """Agencies the text names that the update does not credit, and that the editor has not
    been asked about (the form's `credit_checked`) nor `known` to be named already: the rule
    for finding names is `agencies_named`."""
    text = f"{values['headline']}\n{values['body']}"
    named = agencies_named(text, [(s.slug, s.name) for s in all_sources()])
    skip = {*values["sources"], *request.form.getlist("credit_checked"), *known}
    return [slug for slug in named if slug not in skip]


def _credit_question(slugs: list[str], *, answer: str) -> dict[str, Any]:
    """ "Credit Reuters?", asked in the form (`editor/_credit_check.html`), which is shown
    again unchanged; sending it again as it is (`answer`: its action) is the reply "no", so
    each agency is asked about once."""
    by_slug = {s.slug: s for s in all_sources()}
    names = listed([by_slug[slug].name for slug in slugs])
    checked = [*request.form.getlist("credit_checked"), *slugs]
    return {"unasked": slugs, "names": names, "checked": checked, "answer": answer}


def _asked(
    briefing: Briefing, question: dict[str, Any], html: str | None = None, **extra: Any
) -> Any:
    """The question, for the console's script to show in the form (or, as `html`, in a
    form of its own)."""
    html = html or render_template("editor/_credit_check.html", credit_check=question)
    message = _("Credit %(names)s?", names=question["names"])
    return _answer(briefing, message, question=html, **extra)


def _credit_too(form: EditForm | ComposerForm, action: str) -> list[str]:
    """The reply "Credit Reuters" (action `credit:<slugs>`) without JavaScript: the sources
    picked and those, in the picker's order, as every source picked without JavaScript."""
    wanted = set(_added(form.sources.data, action.removeprefix("credit:").split()))
    form.sources.data = [c.value for c in form.sources.choices or [] if c.value in wanted]
    return list(form.sources.data)


def _added(picked: list[str] | None, more: Iterable[str]) -> list[str]:
    """The sources picked, then those not picked yet from `more`: nothing is switched off."""
    picked = list(picked or [])
    return picked + [slug for slug in dict.fromkeys(more) if slug not in picked]


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
    action = request.form.get("action", "save")
    if action.startswith("credit:"):
        changes["sources"] = _credit_too(form, action)
    elif item.is_published:
        # Asked about agencies left uncredited by this edit, not those the version it
        # replaces already named without credit (asked about when it went out).
        sources = [s.slug for s in item.sources]
        before = {"headline": item.headline or "", "body": item.body, "sources": sources}
        unasked = _uncredited(changes, known=_uncredited(before))
        if unasked:
            question = _credit_question(unasked, answer="save")
            return _edit_page(briefing, item, form, credit_check=question)
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
    message, kind = _credit_warning(item, _("Saved."))
    if wants_json():
        return _answer(briefing, message, [item])
    flash(message, kind)
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
    credit_check: dict[str, Any] | None = None,
) -> Any:
    if credit_check and wants_json():
        return _asked(briefing, credit_check)
    context = {
        "briefing": briefing,
        "update": item,
        "form": form,
        "conflict": conflict,
        "credit_check": credit_check,
        "last_revision": timeline.revisions_of(conflict)[0:1] if conflict else [],
        "differences": _differences(conflict, form) if conflict else [],
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


def _differences(current: Update, form: EditForm) -> list[tuple[str, WordDiff]]:
    """What differs, word by word, between the saved version and the editor's: the text
    always (it is what is compared first), headline and credit when they differ."""
    names = {s.slug: s.name for s in all_sources()}
    mine_credit = reporting_by([names.get(slug, slug) for slug in form.sources.data or []])
    pairs = [
        (_("Headline"), current.headline or "", form.headline.data or "", False),
        (_("Text"), current.body, form.body.data or "", True),
        (_("Credit"), reporting_by([s.name for s in current.sources]), mine_credit, False),
    ]
    diffs = [(label, word_diff(theirs, mine), always) for label, theirs, mine, always in pairs]
    return [(label, diff) for label, diff, always in diffs if always or diff.changed]


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
    """One click publishes a draft or a scheduled update now, as long as it is the version
    the editor saw. If its text names an agency it does not credit, that is first asked
    about, once, as in the composer (`_credit_before_publishing`)."""
    return _change_unpublished(slug, update_id, VersionForm(), status=UpdateStatus.PUBLISHED)


@bp.post(ONE_UPDATE + "/schedule")
@requires(Role.EDITOR)
def schedule(slug: str, update_id: int) -> Any:
    """Schedule a draft, or move a scheduled update to another time."""
    form = ScheduleForm()
    timezone = _briefing(slug).timezone
    return _change_unpublished(
        slug,
        update_id,
        form,
        status=UpdateStatus.SCHEDULED,
        publish_at=form.publish_at_in(timezone),
    )


@bp.post(ONE_UPDATE + "/unschedule")
@requires(Role.EDITOR)
def unschedule(slug: str, update_id: int) -> Any:
    """Cancel a schedule: the update goes back to the drafts, its text kept, to be
    published, scheduled again or deleted from there."""
    return _change_unpublished(slug, update_id, VersionForm(), status=UpdateStatus.DRAFT)


def _change_unpublished(slug: str, update_id: int, form: VersionForm, **changes: Any) -> Any:
    """Publish, schedule or unschedule a draft or scheduled update: one click that names
    the version it saw, so a change someone made meanwhile is never published unseen."""
    briefing = _briefing(slug)
    item = _update(briefing, update_id)
    if not form.validate_on_submit() or form.version.data is None:
        raise Invalid.field("version", _("Reload the page: this form lacks the draft's version."))
    if changes["status"] == UpdateStatus.PUBLISHED:
        asked = _credit_before_publishing(briefing, item, form.version.data, changes)
        if asked is not None:
            return asked
    user = actor()
    try:
        item = updates.edit_update(item, actor=user, version=form.version.data, **changes)
    except Conflict as conflict:
        detail = _("The draft changed since you loaded it: check the new text and publish again.")
        if wants_json():
            return _answer(briefing, detail, [conflict.current], status=409)
        flash(detail, "error")
        return _back_to(briefing, conflict.current)
    except Invalid as error:
        detail = " ".join(e.message for e in error.errors)
        if wants_json():
            by_field = {e.field: [e.message] for e in error.errors}
            return _answer(briefing, detail, status=422, errors=by_field)
        flash(detail, "error")
        return _back_to(briefing, item)
    message, kind = _credit_warning(item, _saved_message(briefing, item, user))
    return _acted(briefing, item, message, kind=kind)


def _credit_before_publishing(
    briefing: Briefing, item: Update, version: int, changes: dict[str, Any]
) -> Any | None:
    """ "Credit Reuters?" before a draft goes out from the lists: the question, in place
    (`editor/_publish_check.html`) or on a page of its own without JavaScript, or None to
    publish. The reply "Credit Reuters and publish" (`credit:<slugs>`) adds them to the
    `changes`, after the sources the draft credits already."""
    sources = [s.slug for s in item.sources]
    action = request.form.get("action", "publish")
    if action.startswith("credit:"):
        changes["sources"] = _added(sources, action.removeprefix("credit:").split())
        return None
    values = {"headline": item.headline or "", "body": item.body, "sources": sources}
    unasked = _uncredited(values)
    if not unasked:
        return None
    question = _credit_question(unasked, answer="publish")
    context = {"briefing": briefing, "update": item, "credit_check": question, "version": version}
    if wants_json():
        return _asked(briefing, question, render_template("editor/_publish_check.html", **context))
    return render_template("editor/publish.html", **context)


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
    briefing: Briefing,
    item: Update,
    message: str,
    also: Iterable[Update | None] = (),
    *,
    kind: str = "success",
) -> Any:
    if wants_json():
        return _answer(briefing, message, [item, *also])
    flash(message, kind)
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
    suggestions: str | None = None,
    question: str | None = None,
) -> Any:
    """The console script's one answer to every action, done or refused: what happened
    (`message`), the `_update.html` fragment of every update it touched, the ids of those it
    removed, field errors by field name, a panel to show (`html`: preview, edit form,
    history), and, after a post from the composer, its next key and source suggestions, or
    the question it asks before publishing ("Credit Reuters?")."""
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
        "suggestions": suggestions,
        "question": question,
    }
    return jsonify(body), status


def _console_page(
    briefing: Briefing,
    form: ComposerForm,
    *,
    preview: Update | None = None,
    status: int = 200,
    credit_check: dict[str, Any] | None = None,
) -> Any:
    user = actor()
    # The composer's picker keeps one order (by name), whatever was picked: chips never move,
    # and without JavaScript that order is the order credited (see SourcePicker).
    form.sources.choices = source_choices(all_sources(), [])
    page = timeline.updates_page(
        briefing, cursor=request.args.get("before") or None, limit=CONSOLE_PAGE
    )
    html = render_template(
        "editor/console.html",
        briefing=briefing,
        form=form,
        page=page,
        drafts=newsroom.drafts(briefing, author=None if sees_drafts(user) else user),
        scheduled=newsroom.scheduled(briefing) if sees_drafts(user) else [],
        preview=_render_preview(briefing, preview) if preview else None,
        suggestions=newsroom.recent_source_sets(briefing, user),
        credit_check=credit_check,
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
