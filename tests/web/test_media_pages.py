"""Photos and embeds on reader pages: the lead photo under the title, link previews and
structured data with a large image, figures in updates, live events and cached pages that
follow a caption edit, and a CSP whose frame-src names exactly the embed providers."""

from __future__ import annotations

import json

import lxml.html

from briefing.rendering.embeds import frame_origins
from briefing.services import briefings, media

SITE = "https://news.example.org"


def parse(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def meta(doc, key: str) -> list[str]:
    return doc.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")


def json_ld(doc) -> dict:
    (script,) = doc.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def photo_line(photo, alt="Smoke over the port") -> str:
    return f"![{alt}]({SITE}/media/{photo.filename})"


def test_the_lead_photo_sits_under_the_title_and_leads_the_link_preview(
    client, briefing, editor, make_media
):
    photo = make_media()
    briefings.change_briefing(briefing, actor=editor, lead_media=photo.id)
    doc = parse(client.get("/briefings/war"))
    (figure,) = doc.xpath("//header[@class='briefing__header']/figure[@class='lead-photo']")
    (img,) = figure.xpath(".//img")
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    assert img.get("alt") == photo.alt
    assert figure.xpath("string(./figcaption)").split() == (
        photo.caption.split() + photo.credit.split()
    )
    url = f"{SITE}/media/{photo.filename}"
    assert meta(doc, "og:image") == [url]
    assert meta(doc, "og:image:alt") == [photo.alt]
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    assert json_ld(doc)["image"] == url


def test_without_photos_the_preview_is_a_plain_summary(client, briefing, make_update):
    update = make_update(briefing, body="Words only.")
    for path in ("/briefings/war", f"/briefings/war/updates/{update.id}"):
        doc = parse(client.get(path))
        assert meta(doc, "og:image") == [] and meta(doc, "twitter:card") == ["summary"]
        assert "image" not in json_ld(doc)


def test_a_permalink_of_an_update_with_a_photo_previews_that_photo(
    client, briefing, make_update, make_media
):
    photo = make_media()
    update = make_update(briefing, body=f"Overnight strikes.\n\n{photo_line(photo)}")
    doc = parse(client.get(f"/briefings/war/updates/{update.id}"))
    url = f"{SITE}/media/{photo.filename}"
    assert meta(doc, "og:image") == [url]
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    assert json_ld(doc)["@type"] == "BlogPosting" and json_ld(doc)["image"] == [url]
    (img,) = doc.xpath("//article//figure[@class='photo']//img")
    assert img.get("src") == f"/media/{photo.filename}"
    live = parse(client.get("/briefings/war"))
    (entry,) = json_ld(live)["liveBlogUpdate"]
    assert entry["image"] == [url]


def test_an_embed_is_a_placeholder_and_the_page_loads_nothing_from_the_provider(
    client, briefing, make_update
):
    make_update(briefing, body="Watch:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ")
    doc = parse(client.get("/briefings/war"))
    (figure,) = doc.xpath("//figure[@data-embed='youtube']")
    assert figure.xpath(".//a/@href") == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    assert doc.xpath("//iframe") == []
    external = [
        url
        for url in doc.xpath("//@src | //@srcset | //link[@rel='stylesheet' or @rel='icon']/@href")
        if url.startswith(("http:", "https:", "//"))
    ]
    assert external == []
    assert doc.xpath("//script[contains(@src, 'embeds')]")


def test_the_csp_allows_frames_from_the_embed_providers_only(client, briefing):
    csp = client.get("/briefings/war").headers["Content-Security-Policy"]
    (frame_src,) = [d.split()[1:] for d in csp.split("; ") if d.startswith("frame-src ")]
    assert frame_src == frame_origins()
    assert "frame-ancestors 'none'" in csp


def test_a_caption_edit_reaches_the_cached_page_and_the_live_changes(
    client, briefing, editor, make_update, make_media
):
    photo = make_media()
    update = make_update(briefing, body=photo_line(photo))
    first = client.get("/briefings/war")
    etag, since = first.headers["ETag"], briefing.version
    media.change_media(photo, actor=editor, caption="Odesa port, Wednesday")
    again = client.get("/briefings/war", headers={"If-None-Match": etag})
    assert again.status_code == 200
    (caption,) = parse(again).xpath(f"//article[@id='update-{update.id}']//figcaption")
    assert caption.text.strip() == "Odesa port, Wednesday"
    changes = client.get(f"/briefings/war/changes?since={since}").get_json()["changes"]
    (event,) = changes
    assert event["type"] == "update" and event["id"] == update.id
    fragment = lxml.html.fragment_fromstring(event["html"])
    assert fragment.xpath("string(.//figcaption)").startswith("Odesa port, Wednesday")
