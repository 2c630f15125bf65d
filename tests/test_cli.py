"""The command-line doors, run through Flask's CLI runner against the real database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from briefing.extensions import db
from briefing.models import Role
from briefing.services import timeline
from briefing.services import users as user_service
from briefing.services.sources import all_sources
from tests.conftest import SEEDED_AGENCIES
from tests.rendering.hostile import assert_safe_html, parse_fragment

PASSWORD = "a long enough passphrase"
ADMIN_LINE = re.compile(r"^Admin account: admin@briefing\.example\s+password: (\S+)$", re.M)


def create_editor(runner, email, password):
    return runner.invoke(
        args=["create-user", email, "--role", "editor", "--name", "Olena K", "--password-stdin"],
        input=f"{password}\n",
    )


def test_init_db_can_run_again_on_a_migrated_database(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "0 sources added" in second.output
    assert {s.slug for s in all_sources()} == SEEDED_AGENCIES


def test_create_user_reads_the_password_from_stdin_and_the_user_can_log_in(runner):
    result = create_editor(runner, "Olena@Newsroom.example", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Created editor olena@newsroom.example." in result.stdout
    user = user_service.authenticate("olena@newsroom.example", PASSWORD)
    assert user is not None
    assert (user.role, user.display_name) == (Role.EDITOR, "Olena K")


def test_create_user_prompts_twice_for_the_password(runner):
    result = runner.invoke(
        args=["create-user", "desk@newsroom.example", "--role", "admin", "--name", "Desk"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Password") == 1 and "Repeat for confirmation" in result.stdout
    assert user_service.authenticate("desk@newsroom.example", PASSWORD).role == Role.ADMIN


def test_create_user_refuses_a_mismatched_confirmation(runner):
    result = runner.invoke(
        args=["create-user", "desk@newsroom.example", "--role", "editor", "--name", "Desk"],
        input=f"{PASSWORD}\nsomething else entirely\n",
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert user_service.user_by_email("desk@newsroom.example") is None


def test_create_user_refuses_a_short_password_and_says_why(runner):
    result = create_editor(runner, "olena@newsroom.example", "short")
    assert result.exit_code == 1
    assert "password: Use at least 10 characters." in result.stderr
    assert "Traceback" not in result.output
    assert user_service.user_by_email("olena@newsroom.example") is None


def test_create_user_refuses_an_email_that_is_taken_whatever_its_case(runner):
    assert create_editor(runner, "olena@newsroom.example", PASSWORD).exit_code == 0
    result = create_editor(runner, "OLENA@newsroom.example", "another password")
    assert result.exit_code == 1
    assert "An account with this email already exists." in result.stderr
    assert user_service.authenticate("olena@newsroom.example", PASSWORD) is not None


def test_create_token_prints_the_token_alone_on_the_last_line(runner, editor):
    result = runner.invoke(args=["create-token", editor.email, "--name", "reuters-bot"])
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    assert token == token.strip() and " " not in token
    assert token.startswith(user_service.TOKEN_PREFIX)
    assert user_service.user_for_token(token).id == editor.id


def test_create_token_for_an_unknown_email_fails_cleanly(runner):
    result = runner.invoke(args=["create-token", "nobody@newsroom.example", "--name", "bot"])
    assert result.exit_code == 1
    assert "No user with email 'nobody@newsroom.example'." in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_seed_demo_creates_a_live_briefing_with_a_day_of_updates(runner, app):
    started = datetime.now(UTC)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert f"{app.config['SITE_URL']}/briefings/demo" in result.stdout

    briefing = timeline.briefing_by_slug("demo")
    assert (briefing.status.value, briefing.timezone) == ("live", "Europe/Kyiv")
    assert briefing.title and briefing.standfirst
    assert briefing.series is not None and briefing.series.title == "Russia's Invasion of Ukraine"
    summary = parse_fragment(briefing.summary_html)
    assert len(summary.findall(".//ul/li")) >= 3

    updates = timeline.updates_page(briefing, limit=100, oldest_first=True).items
    assert 18 <= len(updates) <= 25
    assert f"({len(updates)} updates)" in result.stdout
    assert sum(u.pinned for u in updates) == 1
    assert len(timeline.key_events(briefing)) >= 4
    assert len(timeline.sources_used(briefing)) >= 5
    assert {len(u.sources) for u in updates} >= {0, 1, 2, 3}
    assert any(u.headline for u in updates) and any(not u.headline for u in updates)
    assert len({u.author_id for u in updates}) >= 2

    times = [u.published_at for u in updates]
    assert times == sorted(times)
    assert [u.id for u in updates] == sorted(u.id for u in updates)
    assert started - timedelta(hours=24) <= times[0] <= started - timedelta(hours=16)
    assert briefing.opened_at is not None and briefing.opened_at <= times[0]
    assert times[-1] <= datetime.now(UTC)

    (corrected,) = [u for u in updates if u.correction]
    assert corrected.edited_at is not None and corrected.version == 2
    assert len(timeline.revisions_of(corrected)) == 1
    for item in updates:
        assert_safe_html(item.body_html)
    assert any(parse_fragment(u.body_html).findall(".//blockquote") for u in updates)
    assert any(parse_fragment(u.body_html).findall(".//a[@href]") for u in updates)


def test_seed_demo_prints_an_admin_password_that_works(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    (password,) = ADMIN_LINE.findall(result.stdout)
    admin = user_service.authenticate("admin@briefing.example", password)
    assert admin is not None and admin.role == Role.ADMIN


def test_seed_demo_run_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    briefing = timeline.briefing_by_slug("demo")
    version, count = briefing.version, len(timeline.updates_page(briefing, limit=100).items)
    (password,) = ADMIN_LINE.findall(first.stdout)

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already exists; password unchanged" in second.stdout
    db.session.expire_all()
    assert ADMIN_LINE.findall(second.stdout) == []
    assert f"({count} updates)" in second.stdout
    briefing = timeline.briefing_by_slug("demo")
    assert briefing.version == version
    assert len(timeline.updates_page(briefing, limit=100).items) == count
    assert user_service.authenticate("admin@briefing.example", password) is not None


def test_next_edition_ends_the_current_edition_and_opens_the_next(
    runner, make_series, make_briefing
):
    make_series(slug="ukraine")
    current = make_briefing(slug="day-1", series="ukraine", summary="- Talks resume")
    result = runner.invoke(args=["next-edition", "ukraine", "--title", "Day 2"])
    assert result.exit_code == 0, result.output
    assert "Opened 'Day 2' live as 'ukraine-" in result.output
    db.session.expire_all()
    assert current.status.value == "ended"
    slug = re.search(r"as '([^']+)'", result.output).group(1)
    opened = timeline.briefing_by_slug(slug)
    assert opened.status.value == "live" and opened.summary == "- Talks resume"


def test_next_edition_of_an_unknown_series_fails_clearly(runner):
    result = runner.invoke(args=["next-edition", "nope"])
    assert result.exit_code != 0 and "No series 'nope'." in result.output


def test_set_password_reads_stdin_and_signs_the_user_in_with_it_only(runner, editor):
    result = runner.invoke(
        args=["set-password", editor.email.upper(), "--password-stdin"], input="a new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert f"Set a new password for {editor.email}" in result.stdout
    db.session.expire_all()
    assert user_service.authenticate(editor.email, "a new passphrase") == editor
    assert user_service.authenticate(editor.email, "correct horse battery staple") is None


def test_set_password_prompts_twice(runner, editor):
    result = runner.invoke(
        args=["set-password", editor.email], input="a new passphrase\na new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.stdout
    db.session.expire_all()
    assert user_service.authenticate(editor.email, "a new passphrase") == editor


def test_set_password_refuses_a_short_password_or_an_unknown_email(runner, editor):
    short = runner.invoke(args=["set-password", editor.email, "--password-stdin"], input="x\n")
    assert short.exit_code != 0 and "Use at least 10 characters" in short.output
    unknown = runner.invoke(
        args=["set-password", "nobody@newsroom.example", "--password-stdin"],
        input="a new passphrase\n",
    )
    assert unknown.exit_code != 0 and "No user with email" in unknown.output
    db.session.expire_all()
    assert user_service.authenticate(editor.email, "correct horse battery staple") == editor


def test_seed_demo_resets_the_admin_password_when_asked_and_says_so(runner):
    first = runner.invoke(args=["seed-demo"])
    (old,) = ADMIN_LINE.findall(first.stdout)
    again = runner.invoke(args=["seed-demo", "--reset-admin-password"])
    assert again.exit_code == 0, again.output
    (new,) = re.findall(
        r"^Admin account admin@briefing\.example has a new password: (\S+) ", again.stdout, re.M
    )
    db.session.expire_all()
    assert new != old
    assert user_service.authenticate("admin@briefing.example", new) is not None
    assert user_service.authenticate("admin@briefing.example", old) is None


def test_seed_demo_prints_links_on_the_served_port(app, make_app, monkeypatch):
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.delenv("SITE_URL", raising=False)
    served = make_app(SITE_URL=None)  # on the database `app` has emptied
    with served.app_context():
        result = served.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo briefing: http://127.0.0.1:8080/briefings/demo (" in result.stdout
    assert "Newsroom: http://127.0.0.1:8080/editor/login" in result.stdout
