"""Accessibility as a standing check: every reader and editor page, in every shipped
language, at phone and desktop widths.

- axe-core (npm, injected into the page as served, after its scripts ran) reports no
  violations at 390 and 1280 px;
- the Nu Html Checker (npm `vnu-jar`, Java) reports no errors in the HTML as the server sent
  it: every page is saved and checked in one invocation at the end (a JVM start per page
  would cost more than the rest of the test).

The tools come from `npm ci` at the repository's top (package.json, dev only); `.ci/run`
installs them. Feeds are not pages and are checked by tests/feeds/.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from briefing.extensions import db
from briefing.models import BriefingStatus, Role, UpdateStatus
from briefing.models.base import utcnow
from briefing.rendering.languages import SHIPPED
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service
from briefing.services import timeline
from briefing.services import updates as update_service
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from tests.browser.conftest import PASSWORD, LiveServer
from tests.factories import create_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (390, 1280)
ADMIN = "a11y-admin@browser.example"


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [str(p.relative_to(ROOT)) for p in (AXE, VNU) if not p.exists()]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: run `npm ci` at the repository's top")


class Site:
    """Seeded once for the module: what every page needs to show something real."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        with server.app.app_context():
            admin = create_account(
                server.app, email=ADMIN, display_name="Olena Admin", role=Role.ADMIN
            )
            user_service.create_token(admin, actor=OPERATOR, name="Wire desk importer")
            series = series_service.create_series(actor=admin, title="Storm season")
            live = briefing_service.create_briefing(
                actor=admin,
                series=series.slug,
                title="Storm over the coast",
                standfirst="Follow the storm as it reaches the coast.",
                summary="- Winds of **150 km/h**\n- Ports closed",
                timezone="Europe/Kyiv",
                status=BriefingStatus.LIVE,
            )
            start = utcnow() - timedelta(hours=30)
            updates = [
                update_service.create_update(
                    live,
                    actor=admin,
                    body=f"Report number {n}: the harbour is *closed*.",
                    headline="Ferries cancelled" if n % 5 == 0 else "",
                    sources=[("reuters", "afp", "ap")[n % 3]],
                    key_event=n % 7 == 0,
                    published_at=start + timedelta(hours=n),
                )
                for n in range(25)
            ]
            update_service.edit_update(
                updates[-1], actor=admin, version=updates[-1].version, pinned=True
            )
            # The console's drafts and scheduled lists.
            update_service.create_update(
                live, actor=admin, body="Draft: ferries may resume.", status=UpdateStatus.DRAFT
            )
            update_service.create_update(
                live,
                actor=admin,
                body="Scheduled: the evening summary.",
                status=UpdateStatus.SCHEDULED,
                publish_at=utcnow() + timedelta(days=1),
            )
            edited = updates[-2]
            update_service.edit_update(
                edited,
                actor=admin,
                version=edited.version,
                body="Report corrected: the harbour reopened.",
                correction="An earlier version said the harbour stayed closed.",
            )
            ended = briefing_service.create_briefing(
                actor=admin, title="Election night", timezone="UTC", status=BriefingStatus.LIVE
            )
            update_service.create_update(ended, actor=admin, body="Polls closed.")
            briefing_service.change_briefing(ended, actor=admin, status=BriefingStatus.ENDED)
            self.live, self.ended, self.series = live.slug, ended.slug, series.slug
            self.admin_id = admin.id
            self.update_id, self.edited_id = updates[3].id, edited.id
            self.older = timeline.encode_cursor(updates[10])
            db.session.remove()

    def set_language(self, language: str) -> None:
        """Reader pages speak their briefing's language."""
        with self.server.app.app_context():
            admin = user_service.user_by_email_or_404(ADMIN)
            for slug in (self.live, self.ended):
                briefing = timeline.briefing_by_slug(slug)
                briefing_service.change_briefing(briefing, actor=admin, language=language)
            db.session.remove()

    def reader_pages(self) -> dict[str, str]:
        live = f"/briefings/{self.live}"
        return {
            "index": "/",
            "live-newest": live,
            "live-oldest": f"{live}?order=oldest",
            "live-older": f"{live}?before={self.older}",
            "permalink": f"{live}/updates/{self.update_id}",
            "not-found": "/briefings/no-such-briefing",
            "ended": f"/briefings/{self.ended}",
            "series": f"/series/{self.series}",
        }

    def editor_pages(self) -> dict[str, str]:
        console = f"/editor/briefings/{self.live}"
        update = f"{console}/updates/{self.edited_id}"
        return {
            "dashboard": "/editor/",
            "console": console,
            "settings": f"{console}/settings",
            "edit": f"{update}/edit",
            "history": f"{update}/history",
            "delete": f"{update}/delete",
            "ended-console": f"/editor/briefings/{self.ended}",
            "users": "/editor/admin/users",
            "sources": "/editor/admin/sources",
            "source": "/editor/admin/sources/reuters",
            "tokens": "/editor/admin/tokens",
            "editor-not-found": "/editor/briefings/no-such-briefing",
            "account": "/editor/account",
            "set-password": f"/editor/admin/users/{self.admin_id}/password",
            "next-edition": f"{console}/next-edition",
        }


@pytest.fixture(scope="module")
def site(live_server: LiveServer, tools: None) -> Site:
    return Site(live_server)


class Checker:
    """Runs axe on each page at each width and keeps the served HTML for one vnu run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.violations: list[str] = []

    def check(self, page: Page, name: str, url: str | None = None) -> None:
        """Open `url` (or check the page as it stands) at every width."""
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if url is not None:
                response = page.goto(url)
                assert response is not None
                if width == WIDTHS[0]:
                    self.keep(name, response)
            self.axe(page, f"{name} at {width}px")

    def keep(self, name: str, response: Response) -> None:
        (self.folder / f"{name}.html").write_bytes(response.body())

    def axe(self, page: Page, where: str) -> None:
        page.add_script_tag(path=str(AXE))
        found: list[dict[str, Any]] = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                 .map(v => ({id: v.id, help: v.help,
                             nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
        )
        self.violations += [f"{where}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found]

    def vnu_errors(self) -> list[str]:
        pages = sorted(self.folder.glob("*.html"))
        run = subprocess.run(
            ["java", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, pages)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        messages = json.loads(run.stdout)["messages"]
        return [
            f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages
            if m["type"] == "error"
        ]


@pytest.fixture
def checker(tmp_path: Path) -> Iterator[Checker]:
    yield Checker(tmp_path)


def test_every_page_passes_axe_and_the_html_checker_in_every_language(
    site: Site, browser: Browser, live_server: LiveServer, checker: Checker
) -> None:
    assert SHIPPED[0] == "en"
    for language in SHIPPED:
        site.set_language(language)
        # Pages as served carry a strict CSP; axe is injected as an inline script.
        options: dict[str, Any] = {"base_url": live_server.url, "bypass_csp": True}
        # A reader in another zone than the briefing's: their own times show too.
        reader = browser.new_context(locale=language, timezone_id="America/New_York", **options)
        editor = browser.new_context(locale=language, **options)
        try:
            page = reader.new_page()
            for name, url in site.reader_pages().items():
                checker.check(page, f"{language}-{name}", url)

            page = editor.new_page()
            checker.check(page, f"{language}-login", "/editor/login")
            log_in(page)
            for name, url in site.editor_pages().items():
                checker.check(page, f"{language}-{name}", url)
            check_conflict(page, site, checker, language)
        finally:
            reader.close()
            editor.close()
    site.set_language("en")

    problems = {"axe": checker.violations, "vnu": checker.vnu_errors()}
    assert problems == {"axe": [], "vnu": []}, json.dumps(problems, indent=1)


def log_in(page: Page) -> None:
    """conftest's log_in, by the fields' names: the console speaks the browser's language."""
    page.goto("/editor/login")
    page.locator("input[name=email]").fill(ADMIN)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/editor/")


def check_conflict(page: Page, site: Site, checker: Checker, language: str) -> None:
    """The conflict view: an edit form saved after someone else changed the update."""
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(f"/editor/briefings/{site.live}/updates/{site.edited_id}/edit")
    with site.server.app.app_context():
        admin = user_service.user_by_email_or_404(ADMIN)
        item = timeline.update_in(timeline.briefing_by_slug(site.live), site.edited_id)
        update_service.edit_update(
            item, actor=admin, version=item.version, body=f"Changed meanwhile ({language})."
        )
        db.session.remove()
    page.locator("form[data-edit-form] textarea[name=body]").fill("My version of the report.")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("form[data-edit-form] button.button--primary[type=submit]").click()
    assert answer.value.status == 409
    expect(page.locator("body")).to_be_visible()
    checker.keep(f"{language}-conflict", answer.value)
    checker.check(page, f"{language}-conflict")
