"""The console uploads through the API's door with its session: CSRF-protected, and only
for signed-in contributors and editors."""

from __future__ import annotations

import io

from tests.media import pictures

MEDIA = "/api/v1/media"


def photo_form() -> dict:
    return {"file": (io.BytesIO(pictures.jpeg()), "photo.jpg"), "alt": "Smoke over Kyiv"}


def test_a_signed_in_contributor_uploads_with_the_csrf_token(newsroom, contributor):
    session = newsroom(contributor)
    response = session.post(MEDIA, photo_form(), json=True)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["alt"] == "Smoke over Kyiv"
    listed = session.get(MEDIA).get_json()["items"]
    assert [item["id"] for item in listed] == [response.get_json()["id"]]


def test_a_session_upload_without_the_csrf_token_is_refused(desk):
    response = desk.open(
        MEDIA, method="POST", data=photo_form(), headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_without_a_session_there_is_no_upload(newsroom):
    response = newsroom(None).post(MEDIA, photo_form(), json=True)
    assert response.status_code == 401
