"""Command-line doors: thin click wrappers over the services."""

from __future__ import annotations

import secrets
import sys
import zipfile
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from briefing.media.storage import media_storage
from briefing.models import Role
from briefing.services import archive, timeline
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service
from briefing.services import sources as source_service
from briefing.services import users as user_service
from briefing.services.errors import DomainError
from briefing.services.permissions import OPERATOR
from briefing.web.routing import absolute_url


def init_app(app: Flask) -> None:
    for command in (
        init_db,
        create_user,
        set_password,
        create_token,
        seed_demo,
        export_briefing,
        import_briefing,
        next_edition,
    ):
        app.cli.add_command(command)


def _fail(error: DomainError) -> NoReturn:
    raise click.ClickException(error.detail)


@click.command("init-db")
def init_db() -> None:
    """Create or migrate the schema and seed the default sources."""
    from briefing.database import upgrade_schema

    upgrade_schema()
    added = source_service.seed_default_sources(actor=OPERATOR)
    click.echo(f"Database is at the latest schema; {added} sources added.")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="The user's role."
)
@click.option("--name", "display_name", required=True, help="Name shown on updates.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, display_name: str, password_stdin: bool) -> None:
    """Create a user; the password is prompted for unless --password-stdin is given."""
    password = _read_password(password_stdin)
    try:
        user = user_service.create_user(
            actor=OPERATOR,
            email=email,
            display_name=display_name,
            role=Role(role),
            password=password,
            password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {user.role.value} {user.email}.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@click.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give a user a new password (prompted for unless --password-stdin is given); every
    session of theirs is signed out."""
    try:
        user = user_service.user_by_email_or_404(email)
        user_service.set_password(
            user,
            actor=OPERATOR,
            password=_read_password(password_stdin),
            password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except DomainError as error:
        _fail(error)
    click.echo(f"Set a new password for {user.email}; their sessions are signed out.")


@click.command("create-token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'reuters-bot'.")
def create_token(email: str, name: str) -> None:
    """Create an API token; it is printed alone on the last line, once."""
    try:
        user = user_service.user_by_email_or_404(email)
        _token, plain = user_service.create_token(user, actor=OPERATOR, name=name)
    except DomainError as error:
        _fail(error)
    click.echo(f"Token {name!r} for {user.email} (shown once; store it now):")
    click.echo(plain)


@click.command("seed-demo")
@click.option(
    "--reset-admin-password",
    is_flag=True,
    help="Give the existing demo admin a new password, printed like a new one.",
)
def seed_demo(reset_admin_password: bool) -> None:
    """Create the demo briefing (slug 'demo') and an admin account whose password is printed."""
    from briefing.demo import seed

    password = secrets.token_urlsafe(12)
    result = seed(
        admin_password=password, actor=OPERATOR, reset_admin_password=reset_admin_password
    )
    if result.created_admin:
        click.echo(f"Admin account: {result.admin_email}  password: {password}")
    elif result.reset_admin_password:
        click.echo(
            f"Admin account {result.admin_email} has a new password: {password} "
            "(its sessions are signed out)"
        )
    else:
        click.echo(
            f"Admin account {result.admin_email} already exists; password unchanged "
            "(seed-demo --reset-admin-password sets a new one)."
        )
    click.echo(f"Demo briefing: {result.url} ({result.update_count} updates)")
    click.echo(f"Newsroom: {absolute_url('editor.login')}")


@click.command("export-briefing")
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (default: SLUG.zip here).",
)
def export_briefing(slug: str, output: Path | None) -> None:
    """Write a briefing, its updates, revisions and sources and a static copy to one file."""
    from briefing.web.snapshot import briefing_snapshot

    try:
        briefing = timeline.briefing_by_slug(slug, public=False)
    except DomainError as error:
        _fail(error)
    target = output or Path(f"{slug}.zip")
    document = archive.archive_document(briefing)
    archive.write_archive(target, document, briefing_snapshot(briefing), media_storage().read)
    click.echo(f"Exported {len(document.updates)} updates of {slug!r} to {target}.")


@click.command("import-briefing")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Import under this slug instead of the archived one.")
def import_briefing(path: Path, slug: str | None) -> None:
    """Restore a briefing from an archive written by export-briefing."""
    try:
        document = archive.read_archive(path)
        with zipfile.ZipFile(path) as zf:
            briefing = archive.restore_briefing(
                document,
                actor=OPERATOR,
                slug=slug,
                storage=media_storage(),
                media_file=archive.archived_media(zf),
            )
    except DomainError as error:
        _fail(error)
    url = absolute_url("public.briefing_page", slug=briefing.slug)
    click.echo(f"Imported {len(document.updates)} updates as {briefing.slug!r}: {url}")


@click.command("next-edition")
@click.argument("series_slug")
@click.option("--title", help="The new edition's title (default: the series' title and date).")
def next_edition(series_slug: str, title: str | None) -> None:
    """End the series' current edition and open the next one live, carrying over the
    summary box."""
    try:
        found = series_service.series_by_slug(series_slug)
        briefing = briefing_service.next_edition(found, actor=OPERATOR, title=title)
    except DomainError as error:
        _fail(error)
    url = absolute_url("public.briefing_page", slug=briefing.slug)
    click.echo(f"Opened {briefing.title!r} live as {briefing.slug!r}: {url}")


def main() -> None:
    """The `briefing` console script: the same commands as `flask --app briefing`."""
    from briefing import create_app

    FlaskGroup(create_app=create_app)(prog_name="briefing")
