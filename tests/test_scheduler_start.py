"""The scheduler thread runs only in processes that serve: never in tests that do not ask
for it, never in a command-line process, once per serving process (a forked worker starts
its own: it checks the process id)."""

from __future__ import annotations

import threading


def scheduler_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "scheduler")


def test_test_apps_have_no_scheduler(app):
    assert "briefing.scheduler" not in app.extensions


def test_it_starts_at_the_first_request_once_and_not_for_a_command(make_app):
    app = make_app(SCHEDULER=True)
    scheduler = app.extensions["briefing.scheduler"]
    before = scheduler_threads()
    try:
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert scheduler_threads() == before
        client = app.test_client()
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
        assert scheduler_threads() == before + 1
    finally:
        scheduler.stop()
    assert scheduler_threads() == before
