"""Flask-WTF forms of the console: they parse input and carry the CSRF token. The rules
(lengths, required fields, who may do what) live in the service verbs, whose field errors
`show_errors` puts back on the form, so each rule is written once."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import EqualTo, InputRequired, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from briefing.models import Role, Source
from briefing.rendering import languages
from briefing.rendering.timefmt import zone
from briefing.services.errors import Invalid
from briefing.web.i18n import ROLE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class SourcePicker(SelectMultipleField):
    """Checkboxes, credited in the order submitted. The console's script submits them in
    the order clicked; a plain form submits them in the picker's order, so without
    JavaScript the order shown is the order credited (no-JS forms cannot express a click
    order, and a number field per source would slow every update down)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        pass  # unknown slugs are refused by the service, naming them


def source_choices(sources: Iterable[Source], first: list[str]) -> list[SelectChoice]:
    """Choices with the given slugs first, in their order (an edited update's credits, so a
    plain form keeps their order), then the rest by name ("AFP", "Anadolu", "dpa", …)."""
    by_slug = {s.slug: s for s in sources}
    ordered = [by_slug[slug] for slug in first if slug in by_slug]
    rest = [s for s in by_slug.values() if s.slug not in first]
    ordered += sorted(rest, key=lambda s: (s.name.casefold(), s.slug))
    return [SelectChoice(s.slug, s.name) for s in ordered]


class UpdateFields(FlaskForm):
    """What the composer and the edit form share: the same names as the API's fields."""

    headline = StringField(_l("Headline (optional)"))
    body = TextAreaField(_l("Update"), render_kw={"rows": 6})
    sources = SourcePicker(_l("Sources"))
    key_event = BooleanField(_l("Key event"))


class ScheduleFields(FlaskForm):
    """When a scheduled update goes out: a date and a time in the briefing's time zone."""

    publish_date = DateField(_l("Date"), validators=[Optional()])
    publish_time = TimeField(_l("Time"), validators=[Optional()])

    @property
    def publish_at(self) -> DateField:
        """The field the service's `publish_at` errors are shown beside."""
        return self.publish_date

    def publish_at_in(self, timezone: str) -> datetime | None:
        """The moment given, or None while the date or the time is missing (the service
        then says what is needed)."""
        day, time = self.publish_date.data, self.publish_time.data
        if day is None or time is None:
            return None
        return datetime.combine(day, time, tzinfo=zone(timezone))


class ComposerForm(UpdateFields, ScheduleFields):
    pinned = BooleanField(_l("Pin to top"))
    # One per composer: a double click or a retried request posts once (services/idempotency).
    idempotency_key = HiddenField()

    def new_key(self) -> None:
        self.idempotency_key.data = "console-" + secrets.token_urlsafe(18)


class EditForm(UpdateFields):
    correction = StringField(_l("Public correction note (optional)"))
    # The version the edit is based on: a stale one is refused as a conflict.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class VersionForm(FlaskForm):
    """One-click actions that name the version they saw (publishing a draft)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ScheduleForm(VersionForm, ScheduleFields):
    """Scheduling a draft, or rescheduling a scheduled update."""


class BriefingForm(FlaskForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Web address"), validators=[Optional()])
    standfirst = TextAreaField(_l("Standfirst"), render_kw={"rows": 2})
    timezone = SelectField(_l("Timezone"), validate_choice=False)
    go_live = BooleanField(_l("Go live now"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class SettingsForm(FlaskForm):
    title = StringField(_l("Title"))
    standfirst = TextAreaField(_l("Standfirst"), render_kw={"rows": 3})
    summary = TextAreaField(_l("Key developments (Markdown)"), render_kw={"rows": 8})
    timezone = SelectField(_l("Timezone"), validate_choice=False)
    language = StringField(_l("Language (BCP 47)"))
    # A photo's id, or "" for none; the choices are the recent uploads (settings.py).
    lead_media = SelectField(_l("Lead photo"), validate_choice=False)
    # A series' slug, or "" for none; the choices are every series (settings.py).
    series = SelectField(_l("Series"), validate_choice=False)

    def __init__(self, *args: object, current_timezone: str = "UTC", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = timezone_choices()
        if not any(choice.value == current_timezone for choice in choices):
            # A legacy name set through the API stays selectable, so saving keeps it.
            choices = [SelectChoice(current_timezone), *choices]
        self.timezone.choices = choices


class StatusForm(FlaskForm):
    status = HiddenField()


class NextEditionForm(FlaskForm):
    title = StringField(_l("Title of the next edition"))


ROLE_CHOICES = [SelectChoice(r.value, ROLE_NAMES[r.value]) for r in Role]


class UserForm(FlaskForm):
    email = EmailField(_l("Email"))
    display_name = StringField(_l("Name shown on updates"))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.CONTRIBUTOR.value)
    password = PasswordField(_l("Initial password"))


class LanguageForm(FlaskForm):
    """The console's language, a setting of the signed-in user."""

    language = SelectField(
        _l("Interface language"),
        choices=[
            SelectChoice("", _l("As my browser asks")),
            *(
                SelectChoice(tag, name, render_kw={"lang": tag})
                for tag, name in languages.NAMES.items()
            ),
        ],
    )


class PasswordForm(FlaskForm):
    """A new password, typed twice so a typo cannot lock anyone out; its length is the
    service's rule (services/users.py)."""

    password = PasswordField(_l("New password"))
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", _l("The two new passwords differ."))],
    )


class PasswordChangeForm(PasswordForm):
    current_password = PasswordField(_l("Current password"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class SourceForm(FlaskForm):
    slug = StringField(_l("Slug"))
    name = StringField(_l("Name"))
    url = URLField(_l("Web address"))


class TokenForm(FlaskForm):
    user = SelectField(_l("For user"), coerce=int, validate_choice=False)
    name = StringField(_l("What it is for"))


REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
           "Europe", "Indian", "Pacific")  # fmt: skip


@lru_cache(maxsize=1)
def timezone_choices() -> list[SelectChoice]:
    """Canonical IANA zones grouped by region for the picker (no legacy aliases such as
    US/Eastern); UTC first."""
    zones = sorted(z for z in available_timezones() if z.split("/", 1)[0] in REGIONS)
    return [SelectChoice("UTC")] + [
        SelectChoice(z, z.replace("_", " "), optgroup=z.split("/", 1)[0]) for z in zones
    ]


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Put the domain's field errors on the form's fields; the rest above the form."""
    for item in error.errors:
        field = getattr(form, item.field, None)
        if field is not None and hasattr(field, "errors") and item.field != "meta":
            field.errors = [*field.errors, item.message]
        else:
            form.form_errors.append(item.message)
