"""Export and import of a briefing: a round trip into another instance gives it back whole."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import html

from briefing import create_app
from briefing.extensions import db
from briefing.media.storage import media_storage
from briefing.models import Briefing, BriefingStatus, Role, Series, Update, UpdateStatus, User
from briefing.services import archive
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from briefing.services import users as user_service
from briefing.services.errors import Forbidden, Invalid
from briefing.services.media import media_path
from briefing.web.snapshot import briefing_snapshot
from tests.conftest import base_config
from tests.factories import create_account


@pytest.fixture
def covered(
    briefing: Briefing,
    editor: User,
    make_user: Callable[..., User],
    make_update: Any,
    make_media: Callable[..., Any],
) -> Briefing:
    """A briefing with every kind of update: credited, key, pinned, edited, corrected,
    retracted, and a draft by a contributor."""
    reporter = make_user(Role.CONTRIBUTOR, display_name="Mykola Reporter")
    make_update(briefing, body="Explosions heard in **Kyiv**.", sources=["reuters", "afp"])
    key = make_update(briefing, headline="Power cut", body="Half the city is dark.", key_event=True)
    photo = make_media(caption="Smoke over the power plant.")
    make_update(
        briefing,
        body=f"Trains resume.\n\n![Smoke]({media_path(photo.filename)})",
        sources=["ap"],
        pinned=True,
    )
    edited = make_update(briefing, body="Toll rises to 4.", sources=["afp", "reuters"])
    update_service.edit_update(
        edited,
        actor=editor,
        version=edited.version,
        body="Toll rises to 5.",
        sources=["reuters"],
        correction="An earlier version gave the toll as 4.",
    )
    gone = make_update(briefing, body="Unconfirmed report.")
    update_service.retract_update(gone, actor=editor)
    make_update(briefing, actor=reporter, body="Draft from the field.", status=UpdateStatus.DRAFT)
    briefing_service.change_briefing(
        briefing, actor=editor, summary="- Strikes overnight\n- Power cut", lead_media=photo.id
    )
    assert key.key_event
    return briefing


@pytest.fixture
def other_instance(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """A second instance with a database of its own."""
    path = tmp_path / "other.sqlite3"
    shutil.copyfile(sqlite_template, path)
    other = create_app({**base_config(f"sqlite:///{path}"), "MEDIA_ROOT": str(tmp_path / "other")})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def comparable(document: archive.ArchiveDocument) -> dict[str, Any]:
    """The document without what differs by nature between two exports."""
    data = json.loads(document.model_dump_json())
    data.pop("exported_at")
    data["people"].sort(key=lambda p: p["email"])
    data["sources"].sort(key=lambda s: s["slug"])
    return data


def export_to(path: Path, briefing: Briefing) -> Path:
    archive.write_archive(
        path, archive.archive_document(briefing), briefing_snapshot(briefing), media_storage().read
    )
    return path


def restore_from(file: Path, **arguments: Any) -> Briefing:
    """Import as the CLI does: photos from the archive, into this app's media store."""
    with zipfile.ZipFile(file) as zf:
        return archive.restore_briefing(
            archive.read_archive(file),
            storage=media_storage(),
            media_file=archive.archived_media(zf),
            **arguments,
        )


def test_a_briefing_exported_and_imported_elsewhere_comes_back_whole(
    covered: Briefing, other_instance: Flask, tmp_path: Path
) -> None:
    original = archive.archive_document(covered)
    assert len(original.updates) == 6
    bodies_html = {
        item.body: item.body_html
        for item in db.session.scalars(db.select(Update).where(Update.briefing_id == covered.id))
    }
    file = export_to(tmp_path / "war.zip", covered)

    with other_instance.app_context():
        admin = create_account(
            other_instance, email="root@elsewhere.example", display_name="Root", role=Role.ADMIN
        )
        restored = restore_from(file, actor=admin)
        assert comparable(archive.archive_document(restored)) == comparable(original)
        # Rendered again on import, to the same HTML.
        for item in db.session.scalars(db.select(Update).where(Update.briefing_id == restored.id)):
            assert item.body_html == bodies_html[item.body]
        assert [s.slug for s in restored.credited_sources] == ["afp", "ap", "reuters"]
        assert restored.version >= 1  # a change-log row, so live readers and caches move on
        # The photo came along: its files in this instance's store, its figure in the body.
        assert restored.lead_media is not None
        assert restored.lead_media.caption == "Smoke over the power plant."
        for name in restored.lead_media.filenames:
            assert media_storage().read(name)
        figures = [u for u in db.session.scalars(db.select(Update)) if "<figure" in u.body_html]
        assert len(figures) == 1 and figures[0].media == [restored.lead_media]

        # The restored briefing is served like any other.
        page = other_instance.test_client().get("/briefings/war")
        assert page.status_code == 200
        articles = html.fromstring(page.data).xpath("//article[contains(@class, 'update')]")
        assert len(articles) == 4  # published ones only: no draft, no retraction


def test_people_unknown_here_arrive_as_inactive_contributors_who_cannot_sign_in(
    covered: Briefing, other_instance: Flask, tmp_path: Path
) -> None:
    file = export_to(tmp_path / "war.zip", covered)
    with other_instance.app_context():
        admin = create_account(
            other_instance, email="root@elsewhere.example", display_name="Root", role=Role.ADMIN
        )
        restore_from(file, actor=admin)
        people = db.session.scalars(db.select(User).where(User.id != admin.id)).all()
        assert people
        for person in people:
            assert not person.active and person.role == Role.CONTRIBUTOR
            assert user_service.authenticate(person.email, "") is None
        assert {p.display_name for p in people} >= {"Olena Editor", "Mykola Reporter"}


def test_an_import_never_takes_a_slug_in_use_and_can_be_given_another(
    covered: Briefing, admin: User, tmp_path: Path
) -> None:
    file = export_to(tmp_path / "war.zip", covered)
    count = db.session.query(Briefing).count()
    with pytest.raises(Invalid) as refused:
        restore_from(file, actor=admin)
    assert [e.field for e in refused.value.errors] == ["slug"]
    assert db.session.query(Briefing).count() == count

    copy = restore_from(file, actor=admin, slug="war-copy")
    assert copy.slug == "war-copy"
    assert (
        comparable(archive.archive_document(copy))["updates"]
        == (comparable(archive.archive_document(covered))["updates"])
    )


def test_only_admins_import(covered: Briefing, editor: User, tmp_path: Path) -> None:
    file = export_to(tmp_path / "war.zip", covered)
    with pytest.raises(Forbidden):
        restore_from(file, actor=editor, slug="war-2")


def test_a_broken_document_is_refused_field_by_field_and_writes_nothing(
    covered: Briefing, admin: User, tmp_path: Path
) -> None:
    data = json.loads(archive.archive_document(covered).model_dump_json())
    data["updates"][0]["status"] = "shouted"
    data["updates"][1]["published_at"] = "2026-11-30T10:00:00"  # no time zone
    data["updates"][2]["sources"] = ["tass"]
    data["updates"][3]["author"] = "nobody@example.org"
    data["briefing"]["slug"] = "war-3"
    with pytest.raises(Invalid) as refused:
        archive.parse_archive_document(json.dumps(data))
    fields = {e.field for e in refused.value.errors}
    assert {"updates.0.status", "updates.1.published_at"} <= fields

    data["updates"][0]["status"] = "published"
    data["updates"][1]["published_at"] = "2026-11-30T10:00:00+00:00"
    document = archive.parse_archive_document(json.dumps(data))
    with pytest.raises(Invalid) as refused:
        archive.restore_briefing(
            document, actor=admin, storage=media_storage(), media_file={}.__getitem__
        )
    assert {e.field for e in refused.value.errors} == {
        "updates.2.sources",
        "updates.3.author",
        "media.0.variants",  # the photo's files are not in this document's (missing) archive
    }
    assert not briefing_service.slug_taken("war-3")

    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    with pytest.raises(Invalid) as refused:
        archive.read_archive(tmp_path / "junk.zip")
    assert refused.value.errors[0].field == "archive"
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as empty:
        empty.writestr("other.txt", "hello")
    with pytest.raises(Invalid):
        archive.read_archive(tmp_path / "empty.zip")


def test_an_edition_comes_back_into_its_series_joined_here_or_made(
    briefing: Briefing,
    editor: User,
    make_series: Callable[..., Any],
    make_update: Any,
    other_instance: Flask,
    tmp_path: Path,
) -> None:
    make_series(slug="ukraine", title="Russia's Invasion of Ukraine", description="Daily.")
    briefing_service.change_briefing(briefing, actor=editor, series="ukraine")
    make_update(briefing, body="Sirens in Kyiv.")
    file = export_to(tmp_path / "war.zip", briefing)
    document = archive.read_archive(file)
    assert document.format_version == 2
    assert document.briefing.series == archive.SeriesEntry(
        slug="ukraine", title="Russia's Invasion of Ukraine", description="Daily."
    )

    with other_instance.app_context():
        admin = create_account(
            other_instance, email="root@elsewhere.example", display_name="Root", role=Role.ADMIN
        )
        # Where the series is not known, it is made as the archive describes it...
        first = restore_from(file, actor=admin)
        assert first.series is not None and first.series.title == "Russia's Invasion of Ukraine"
        client = other_instance.test_client()
        series_page = client.get("/series/ukraine")
        assert series_page.status_code == 200 and b"/briefings/war" in series_page.data
        # ...and where it is, a second edition joins it rather than making another.
        second = restore_from(file, actor=admin, slug="war-again")
        assert second.series_id == first.series_id
        assert db.session.query(Series).count() == 1
        assert b"/briefings/war-again" in client.get("/series/ukraine").data


def test_an_archive_of_format_1_without_a_series_still_imports(
    covered: Briefing, admin: User
) -> None:
    data = json.loads(archive.archive_document(covered).model_dump_json())
    data["format_version"] = 1
    del data["briefing"]["series"]
    data["briefing"]["slug"] = "war-v1"
    data["media"] = []
    data["briefing"]["lead_media"] = None
    for item in data["updates"]:
        item["body"] = item["body"].split("\n\n![")[0]
    restored = archive.restore_briefing(
        archive.parse_archive_document(json.dumps(data)),
        actor=admin,
        storage=media_storage(),
        media_file={}.__getitem__,
    )
    assert restored.slug == "war-v1" and restored.series is None
    data["format_version"] = 3
    with pytest.raises(Invalid) as refused:
        archive.parse_archive_document(json.dumps(data))
    assert refused.value.errors[0].field == "format"


def test_the_reading_copy_opens_from_disk_and_fetches_nothing(
    covered: Briefing, tmp_path: Path
) -> None:
    file = export_to(tmp_path / "war.zip", covered)
    with zipfile.ZipFile(file) as zf:
        page = html.fromstring(zf.read(archive.READING_COPY_NAME))
    assert page.xpath("//style") and "--" in page.xpath("string(//style)")  # the stylesheet
    assert not page.xpath("//script | //link[@rel='stylesheet'] | //iframe | //base")
    # Photos come from the archive's own media/ folder, beside the copy.
    with zipfile.ZipFile(file) as zf:
        held = set(zf.namelist())
    sources = page.xpath("//img/@src") + [
        candidate.split()[0]
        for srcset in page.xpath("//img/@srcset | //source/@srcset")
        for candidate in srcset.split(",")
    ]
    assert sources and all(src.startswith("media/") and src in held for src in sources)
    articles = page.xpath("//article[contains(@class, 'update')]")
    assert len(articles) == 4
    texts = [" ".join(a.text_content().split()) for a in articles]
    assert not any("Draft from the field" in t or "Unconfirmed" in t for t in texts)
    assert any("With reporting by Reuters" in t and "Toll rises to 5" in t for t in texts)
    assert page.xpath("string(//h1)") == covered.title
    assert "Reporting in this briefing by" in page.xpath("string(//p[@class='credits'])")
    # Links lead to the live site, not to files beside the copy.
    permalinks = page.xpath("//a[contains(@class, 'update__time')]/@href")
    assert permalinks and all(h.startswith("https://news.example.org/") for h in permalinks)
    assert covered.status == BriefingStatus.LIVE


def test_the_command_line_exports_and_imports_an_archive(
    covered: Briefing, runner: Any, other_instance: Flask, tmp_path: Path
) -> None:
    target = tmp_path / "war.zip"
    exported = runner.invoke(args=["export-briefing", "war", "--output", str(target)])
    assert exported.exit_code == 0, exported.output
    assert f"Exported 6 updates of 'war' to {target}." in exported.output

    importer = other_instance.test_cli_runner()
    # The CLI runs in the current app context when there is one: make it the other's.
    with other_instance.app_context():
        imported = importer.invoke(args=["import-briefing", str(target)])
        assert imported.exit_code == 0, imported.output
        url = "https://news.example.org/briefings/war"
        assert f"Imported 6 updates as 'war': {url}" in imported.output
        again = importer.invoke(args=["import-briefing", str(target)])
        assert again.exit_code != 0 and "already in use" in again.output
        renamed = importer.invoke(args=["import-briefing", str(target), "--slug", "war-2"])
        assert renamed.exit_code == 0, renamed.output

    missing = runner.invoke(args=["export-briefing", "no-such-briefing"])
    assert missing.exit_code != 0
