"""Photo verbs: upload stores all or nothing; a body's photos are checked and rendered; a
caption edit re-renders every update showing the photo; deletion only of unused photos."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from briefing.extensions import db
from briefing.media.storage import media_storage
from briefing.models import Change, ChangeKind, Media, Role, UpdateStatus, User
from briefing.services import briefings, media, updates
from briefing.services.errors import Forbidden, InUse, Invalid, TooLarge, Unsupported
from tests.media import pictures


def keep() -> dict:
    """Where uploads go and how large they may be: the app's own settings, as doors pass them."""
    return {"storage": media_storage(), "max_bytes": current_app.config["MEDIA_MAX_BYTES"]}


def stored_files(app) -> list[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def media_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Media)) or 0


def figure_of(html: str):
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    (figure,) = root.xpath("//figure[@class='photo']")
    return figure


def body_with(item: Media, alt: str = "A burning block", title: str = "") -> str:
    title_part = f' "{title}"' if title else ""
    return f"Rescuers worked through the night.\n\n![{alt}](/media/{item.filename}{title_part})\n"


def test_an_upload_stores_its_variants_and_one_row(app, make_media):
    item = make_media()
    assert sorted(item.filenames) == stored_files(app)
    assert len(item.filenames) == 6  # three widths, WebP and JPEG each
    assert (item.width, item.content_type, item.filename) == (
        1600,
        "image/jpeg",
        item.filenames[-1],
    )
    assert media_count() == 1


def test_contributors_may_upload(app, contributor):
    item = media.upload_media(**keep(), actor=contributor, data=pictures.png(), alt="A map")
    assert item.uploader_id == contributor.id


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (pictures.TEXT_AS_JPEG, Unsupported),
        (pictures.SVG_WITH_SCRIPT, Unsupported),
        (pictures.GIF_JS_POLYGLOT, Unsupported),
        (pictures.truncated_jpeg(), Invalid),
        (pictures.png_claiming(30_000, 30_000), Invalid),
        (b"", Invalid),
    ],
    ids=["text", "svg", "polyglot", "truncated", "bomb", "empty"],
)
def test_a_refused_upload_stores_nothing(app, editor, data, error):
    with pytest.raises(error) as refused:
        media.upload_media(**keep(), actor=editor, data=data, alt="x")
    assert type(refused.value) is error
    assert [e.field for e in refused.value.errors] == ["file"]
    assert stored_files(app) == [] and media_count() == 0


def test_a_file_over_the_limit_is_refused_before_decoding(make_app, editor):
    small = make_app(MEDIA_MAX_BYTES=1000)
    with small.app_context():
        user = db.session.get(User, editor.id)
        with pytest.raises(TooLarge):
            media.upload_media(**keep(), actor=user, data=pictures.jpeg())
        assert stored_files(small) == [] and media_count() == 0


def test_alt_text_over_a_thousand_characters_is_refused(app, editor):
    with pytest.raises(Invalid) as refused:
        media.upload_media(**keep(), actor=editor, data=pictures.jpeg(), alt="a" * 1001)
    assert [e.field for e in refused.value.errors] == ["alt"]
    assert stored_files(app) == [] and media_count() == 0


def test_files_written_for_an_upload_whose_row_fails_are_removed(app):
    # An actor that is not in the database: the row's foreign key fails at commit.
    ghost = User(id=999_999, email="ghost@x", display_name="Ghost", role=Role.EDITOR, active=True)
    with pytest.raises(IntegrityError):
        media.upload_media(**keep(), actor=ghost, data=pictures.jpeg(), alt="x")
    assert stored_files(app) == [] and media_count() == 0


def test_a_photo_alone_on_its_line_renders_as_a_figure_with_caption_and_credit(
    briefing, make_update, make_media
):
    photo = make_media()
    update = make_update(briefing, body=body_with(photo))
    figure = figure_of(update.body_html)
    (img,) = figure.xpath(".//img")
    assert img.get("src") == f"/media/{photo.filename}"
    assert img.get("alt") == "A burning block"
    assert (img.get("width"), img.get("height")) == (str(photo.width), str(photo.height))
    assert img.get("loading") == "lazy" and img.get("sizes")
    assert [c.split()[1] for c in img.get("srcset").split(", ")] == ["480w", "960w", "1600w"]
    (webp,) = figure.xpath(".//source[@type='image/webp']")
    assert all(part.split()[0].endswith(".webp") for part in webp.get("srcset").split(", "))
    (caption,) = figure.xpath("./figcaption")
    assert caption.text.strip() == "Rescuers in Odesa after the strike."
    assert caption.xpath("./span/text()") == ["Photo: AFP"]
    assert update.media == [photo]


def test_a_markdown_title_overrides_the_caption(briefing, make_update, make_media):
    photo = make_media()
    update = make_update(briefing, body=body_with(photo, title="Odesa, Tuesday night"))
    assert figure_of(update.body_html).xpath("./figcaption")[0].text.strip() == (
        "Odesa, Tuesday night"
    )


def test_the_site_url_of_a_photo_is_ours_too(app, briefing, make_update, make_media):
    photo = make_media()
    body = f"![A block](https://news.example.org/media/{photo.filename})"
    assert figure_of(make_update(briefing, body=body).body_html) is not None


def test_a_photo_without_any_alt_text_cannot_be_published(briefing, editor, make_media):
    photo = make_media(alt="")
    with pytest.raises(Invalid) as refused:
        updates.create_update(briefing, actor=editor, body=body_with(photo, alt=""))
    assert [e.field for e in refused.value.errors] == ["body"]
    assert "alt text" in refused.value.errors[0].message
    # As a draft it may wait for its alt text; publishing it is refused until then.
    draft = updates.create_update(
        briefing, actor=editor, body=body_with(photo, alt=""), status=UpdateStatus.DRAFT
    )
    with pytest.raises(Invalid):
        updates.edit_update(
            draft, actor=editor, version=draft.version, status=UpdateStatus.PUBLISHED
        )
    media.change_media(photo, actor=editor, alt="Smoke over the port")
    published = updates.edit_update(
        draft, actor=editor, version=draft.version, status=UpdateStatus.PUBLISHED
    )
    assert figure_of(published.body_html).xpath(".//img/@alt") == ["Smoke over the port"]


def test_an_update_naming_a_photo_that_does_not_exist_is_refused(briefing, editor):
    missing = "/media/0123456789abcdef0123456789abcdef-1600.jpg"
    for url in (missing, "https://news.example.org" + missing, "/media/../secret_key"):
        with pytest.raises(Invalid) as refused:
            updates.create_update(briefing, actor=editor, body=f"![Alt]({url})")
        assert [e.field for e in refused.value.errors] == ["body"]


def test_a_caption_edit_re_renders_every_update_showing_the_photo_in_one_transaction(
    briefing, make_briefing, make_update, make_media, editor
):
    photo = make_media()
    other = make_briefing()
    shown = [
        make_update(briefing, body=body_with(photo)),
        make_update(other, body=body_with(photo)),
    ]
    versions = (briefing.version, other.version)
    update_versions = [update.version for update in shown]
    media.change_media(photo, actor=editor, caption="Rescuers in Odesa on Wednesday.")
    for update, before in zip(shown, update_versions, strict=True):
        db.session.refresh(update)
        assert update.version == before + 1  # what it shows changed
        caption = figure_of(update.body_html).xpath("./figcaption")[0].text.strip()
        assert caption == "Rescuers in Odesa on Wednesday."
    # Each briefing's version moved, through the change log, so pages and feeds follow.
    assert (briefing.version, other.version) == (versions[0] + 1, versions[1] + 1)
    kinds = db.session.scalars(
        select(Change.kind).where(Change.briefing_id == briefing.id).order_by(Change.seq.desc())
    ).first()
    assert kinds == ChangeKind.UPDATE_EDITED


def test_a_lead_photo_edit_changes_its_briefing(briefing, make_media, editor):
    photo = make_media()
    briefings.change_briefing(briefing, actor=editor, lead_media=photo.id)
    version = briefing.version
    media.change_media(photo, actor=editor, credit="Photo: Reuters")
    assert briefing.version == version + 1


def test_contributors_may_change_only_their_own_photos(app, contributor, make_media):
    theirs = media.upload_media(**keep(), actor=contributor, data=pictures.png(), alt="A map")
    media.change_media(theirs, actor=contributor, caption="Front line, 1 December")
    with pytest.raises(Forbidden):
        media.change_media(make_media(), actor=contributor, caption="Mine now")


def test_a_photo_in_use_cannot_be_deleted_and_the_refusal_names_its_users(
    briefing, make_update, make_media, editor
):
    photo = make_media()
    update = make_update(briefing, body=body_with(photo))
    briefings.change_briefing(briefing, actor=editor, lead_media=photo.id)
    with pytest.raises(InUse) as refused:
        media.delete_media(photo, actor=editor, storage=media_storage())
    assert refused.value.users == [update, briefing]


def test_retracting_an_update_keeps_its_photo_and_then_it_may_be_deleted(
    app, briefing, make_update, make_media, editor
):
    photo = make_media()
    update = make_update(briefing, body=body_with(photo))
    updates.retract_update(update, actor=editor)
    assert media_count() == 1 and len(stored_files(app)) == len(photo.filenames)
    media.delete_media(photo, actor=editor, storage=media_storage())
    assert media_count() == 0 and stored_files(app) == []


def test_contributors_may_not_delete_photos(contributor, make_media):
    with pytest.raises(Forbidden):
        media.delete_media(make_media(), actor=contributor, storage=media_storage())


def test_two_uploads_of_one_picture_share_files_until_both_are_gone(app, editor, make_media):
    data = pictures.jpeg()
    first, second = make_media(data=data), make_media(data=data, caption="Another caption")
    assert first.filenames == second.filenames
    media.delete_media(first, actor=editor, storage=media_storage())
    assert stored_files(app) == sorted(second.filenames)
    media.delete_media(second, actor=editor, storage=media_storage())
    assert stored_files(app) == []
