"""/api/v1/media and /media/: uploads by the bytes, clear refusals that store nothing,
files served immutable, and the photos in an update's representation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from briefing.extensions import db
from briefing.models import Media
from tests.media import pictures

MEDIA = "/api/v1/media"
UPDATES = "/api/v1/briefings/war/updates"


def upload(
    api, data: bytes | None = None, filename: str = "photo.jpg", declared="image/jpeg", **fields
):
    form: dict = dict(fields)
    if data is not None:
        form["file"] = (io.BytesIO(data), filename, declared)
    return api.post(MEDIA, data=form, content_type="multipart/form-data")


def nothing_stored(app) -> bool:
    root = Path(app.config["MEDIA_ROOT"])
    files = list(root.iterdir()) if root.exists() else []
    return files == [] and db.session.scalar(select(func.count()).select_from(Media)) == 0


def test_an_upload_answers_201_with_the_media_object(api, app):
    response = upload(
        api, pictures.jpeg(2400, 1600, gps=True), alt="Smoke", caption="Kyiv", credit="AP"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"{MEDIA}/{body['id']}")
    assert (body["alt"], body["caption"], body["credit"]) == ("Smoke", "Kyiv", "AP")
    assert (body["width"], body["height"], body["content_type"]) == (1600, 1067, "image/jpeg")
    assert body["url"].startswith("https://news.example.org/media/")
    assert [(v["width"], v["content_type"]) for v in body["variants"]] == [
        (w, t) for w in (480, 960, 1600) for t in ("image/webp", "image/jpeg")
    ]
    assert api.get(f"{MEDIA}/{body['id']}").get_json() == body


def test_media_files_are_served_immutable_without_sniffing(api, client):
    body = upload(api, pictures.png(1000, 500, "RGBA"), alt="Map").get_json()
    for variant in body["variants"]:
        response = client.get(variant["url"].removeprefix("https://news.example.org"))
        assert response.status_code == 200
        assert response.mimetype == variant["content_type"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        cache = response.cache_control
        assert cache.immutable and cache.public and cache.max_age == 365 * 24 * 3600
        image = Image.open(io.BytesIO(response.data))
        assert image.width == variant["width"]
        again = client.get(
            response.request.path, headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304


@pytest.mark.parametrize(
    "path", ["/media/nothing.jpg", "/media/..%2Fsecret_key", "/media/secret_key"]
)
def test_unknown_media_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_a_png_declared_as_gif_is_taken_as_the_png_it_is(api, app):
    response = upload(api, pictures.png(), filename="photo.gif", declared="image/gif", alt="x")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/jpeg"  # no transparency: a JPEG


BAD_UPLOADS = [
    ("text-named-jpg", lambda: pictures.TEXT_AS_JPEG, "photo.jpg", {}, 415, "file"),
    ("truncated-jpeg", pictures.truncated_jpeg, "photo.jpg", {}, 422, "file"),
    ("png-30000x30000", lambda: pictures.png_claiming(30_000, 30_000), "a.png", {}, 422, "file"),
    ("svg-with-script", lambda: pictures.SVG_WITH_SCRIPT, "a.svg", {}, 415, "file"),
    ("gif-js-polyglot", lambda: pictures.GIF_JS_POLYGLOT, "a.gif", {}, 415, "file"),
    ("dot-dot-slash-name", pictures.jpeg, "../../etc/passwd.jpg", {}, 422, "file"),
    ("nul-in-name", pictures.jpeg, "photo\x00.jpg", {}, 422, "file"),
    ("alt-over-1000", pictures.jpeg, "photo.jpg", {"alt": "a" * 1001}, 422, "alt"),
    ("unknown-field", pictures.jpeg, "photo.jpg", {"colour": "red"}, 422, "colour"),
]


@pytest.mark.parametrize(
    ("make", "filename", "fields", "status", "field"),
    [case[1:] for case in BAD_UPLOADS],
    ids=[case[0] for case in BAD_UPLOADS],
)
def test_bad_uploads_get_a_clear_problem_and_store_nothing(
    api, app, make, filename, fields, status, field
):
    response = upload(api, make(), filename=filename, **fields)
    assert response.status_code == status, response.get_json()
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in problem["errors"]] == [field]
    assert nothing_stored(app)


def test_an_upload_without_a_file_field_names_the_field(api, app):
    response = upload(api, None, alt="Smoke")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "file", "message": "Send the photo in the multipart field 'file'."}
    ]
    assert nothing_stored(app)


def test_an_upload_of_25_mib_is_413_and_stores_nothing(api, app):
    # Encoded in memory: the test client would spool a body this large to a file it
    # never closes.
    big = pictures.jpeg() + b"\x00" * (25 * 1024 * 1024)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.jpg")})
    response = api.post(MEDIA, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["field"] == "file"
    assert "20 MiB" in response.get_json()["errors"][0]["message"]
    assert nothing_stored(app)


def test_json_is_not_an_upload(api, app):
    response = api.post(MEDIA, {"file": "aGVsbG8="})
    assert response.status_code == 415
    assert nothing_stored(app)


def test_without_a_token_nobody_uploads(api_as, app):
    assert upload(api_as(None), pictures.jpeg()).status_code == 401
    assert nothing_stored(app)


def test_contributors_upload_and_change_their_own_photos(api_as, contributor):
    api = api_as(contributor)
    body = upload(api, pictures.jpeg(), alt="Queue for water").get_json()
    response = api.patch(f"{MEDIA}/{body['id']}", {"caption": "Kharkiv, morning"})
    assert response.status_code == 200
    assert response.get_json()["caption"] == "Kharkiv, morning"
    assert api.delete(f"{MEDIA}/{body['id']}").status_code == 403


def test_patch_refuses_read_only_and_unknown_fields(api):
    body = upload(api, pictures.jpeg(), alt="x").get_json()
    response = api.patch(f"{MEDIA}/{body['id']}", {"width": 10, "colour": "red"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "width", "message": "This field is read-only."},
        {"field": "colour", "message": "Unknown field."},
    ]


def test_an_update_carries_its_photos_and_a_caption_edit_reaches_it(api, briefing):
    photo = upload(api, pictures.jpeg(), alt="Smoke", caption="Before").get_json()
    created = api.post(UPDATES, {"body": f"Strikes overnight.\n\n![Smoke]({photo['url']})"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["media"] == [photo]
    api.patch(f"{MEDIA}/{photo['id']}", {"caption": "After"})
    update = api.get(created.headers["Location"]).get_json()
    assert update["media"][0]["caption"] == "After"


def test_an_update_naming_a_missing_photo_is_422_naming_body(api, briefing):
    missing = "https://news.example.org/media/0123456789abcdef0123456789abcdef-1600.jpg"
    response = api.post(UPDATES, {"body": f"![Smoke]({missing})"})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["body"]


def test_deleting_a_photo_in_use_is_409_listing_the_updates(api, briefing):
    photo = upload(api, pictures.jpeg(), alt="Smoke").get_json()
    created = api.post(UPDATES, {"body": f"![Smoke]({photo['url']})"}).get_json()
    response = api.delete(f"{MEDIA}/{photo['id']}")
    assert response.status_code == 409
    assert response.get_json()["used_by"] == [created["url"]]
    api.delete(created["url"].replace("https://news.example.org", "/api/v1"))
    assert api.delete(f"{MEDIA}/{photo['id']}").status_code == 204
    assert api.get(f"{MEDIA}/{photo['id']}").status_code == 404


def test_a_briefing_takes_a_lead_photo(api, briefing):
    photo = upload(api, pictures.jpeg(), alt="Smoke").get_json()
    response = api.patch("/api/v1/briefings/war", {"lead_media": photo["id"]})
    assert response.get_json()["lead_media"] == photo["id"]
    assert api.patch("/api/v1/briefings/war", {"lead_media": None}).get_json()["lead_media"] is None
    missing = api.patch("/api/v1/briefings/war", {"lead_media": 99999})
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "lead_media"


def test_ids_beyond_any_database_integer_are_404(api):
    for method in ("GET", "DELETE"):
        assert api.request(method, f"{MEDIA}/2147483648").status_code == 404
    assert api.patch(f"{MEDIA}/9999999999", {"alt": "x"}).status_code == 404


def test_the_recent_photos_list_newest_first(api):
    ids = [upload(api, pictures.jpeg(900 + n, 600), alt="x").get_json()["id"] for n in range(2)]
    assert [item["id"] for item in api.get(MEDIA).get_json()["items"]] == ids[::-1]
