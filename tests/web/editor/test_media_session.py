"""The console uploads through the API's door with its session: CSRF-protected, and only
for signed-in contributors and editors."""

from __future__ import annotations

import io

import lxml.html

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


SETTINGS = "/editor/briefings/war/settings"
SETTINGS_FORM = "//form[contains(@action,'/settings')]"


def test_the_lead_photo_is_chosen_in_settings_and_shown_under_the_title(
    desk, briefing, make_media, client
):
    photo = make_media(alt="Smoke over the port")
    doc = desk.page(SETTINGS)
    options = doc.xpath("//select[@name='lead_media']/option")
    assert [(o.get("value"), o.text) for o in options] == [
        ("", "No lead photo"),
        (str(photo.id), "Smoke over the port (Photo: AFP)"),
    ]
    response = desk.submit(SETTINGS, {"lead_media": str(photo.id)}, form=SETTINGS_FORM)
    assert response.status_code == 302
    assert desk.page(SETTINGS).xpath("//select[@name='lead_media']/option[@selected]/@value") == [
        str(photo.id)
    ]
    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert public.xpath("//figure[@class='lead-photo']//img/@alt") == ["Smoke over the port"]
    desk.submit(SETTINGS, {"lead_media": ""}, form=SETTINGS_FORM)
    public = lxml.html.fromstring(client.get("/briefings/war").data)
    assert public.xpath("//figure[@class='lead-photo']") == []


def test_a_lead_photo_without_alt_text_is_refused_on_the_form(desk, briefing, make_media):
    photo = make_media(alt="")
    response = desk.submit(SETTINGS, {"lead_media": str(photo.id)}, form=SETTINGS_FORM)
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("string(//p[@data-error-for='lead_media'])").startswith(
        "The lead photo needs alt text"
    )


def test_the_composer_preview_shows_the_photo_as_readers_will(desk, briefing, make_media):
    photo = make_media()
    response = desk.post(
        "/editor/briefings/war/preview",
        {"body": f"Words.\n\n![Smoke](/media/{photo.filename})"},
        json=True,
    )
    fragment = lxml.html.fragment_fromstring(response.get_json()["html"])
    assert fragment.xpath("//figure[@class='photo']//img/@alt") == ["Smoke"]


def test_publishing_a_photo_without_alt_text_from_the_console_says_what_to_do(
    desk, briefing, make_media
):
    photo = make_media(alt="")
    response = desk.submit(
        "/editor/briefings/war",
        {"body": f"![](/media/{photo.filename})"},
        form="//form[@id='composer']",
        button=("action", "publish"),
    )
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert "needs alt text before it is published" in doc.xpath(
        "string(//p[@data-error-for='body'])"
    )
