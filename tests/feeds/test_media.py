"""Photos and embeds in feeds: the first photo as RSS enclosure and media:content, Atom
enclosure link (still valid against RFC 4287's schema), JSON Feed image; photos in the
content as one plain <img> with an absolute URL; embeds as links."""

from __future__ import annotations

import lxml.html

SITE = "https://news.example.org"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def content_of(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def post_with_photos(briefing, make_update, make_media):
    first, second = make_media(), make_media(alt="A queue for water")
    make_update(
        briefing,
        body=(
            f"Strikes overnight.\n\n![Smoke over the port](/media/{first.filename})\n\n"
            f"![A queue for water]({SITE}/media/{second.filename})\n\n{VIDEO}"
        ),
    )
    return first, second


def test_rss_carries_the_first_photo_as_enclosure_and_media_content(
    feed, briefing, make_update, make_media
):
    first, _ = post_with_photos(briefing, make_update, make_media)
    fetched = feed("/briefings/war/feed.rss")
    (entry,) = fetched.entries
    url = f"{SITE}/media/{first.filename}"
    (enclosure,) = entry.enclosures
    assert (enclosure.href, enclosure.type) == (url, "image/jpeg")
    assert int(enclosure.length) == first.size > 0
    (media,) = entry.media_content
    assert (media["url"], media["medium"], media["width"]) == (url, "image", str(first.width))
    assert not fetched.parsed.bozo


def test_atom_carries_an_enclosure_link_and_stays_schema_valid(
    feed, briefing, make_update, make_media, atom_schema_errors
):
    first, _ = post_with_photos(briefing, make_update, make_media)
    fetched = feed("/briefings/war/feed.atom")
    (entry,) = fetched.entries
    links = {link.rel: link for link in entry.links}
    assert links["alternate"].href.startswith(f"{SITE}/briefings/war/updates/")
    assert links["enclosure"].href == f"{SITE}/media/{first.filename}"
    assert links["enclosure"].type == "image/jpeg"
    assert atom_schema_errors(fetched.response.data) == []


def test_json_feed_names_the_first_photo_as_the_image(feed, briefing, make_update, make_media):
    first, _ = post_with_photos(briefing, make_update, make_media)
    (item,) = feed("/briefings/war/feed.json").json()["items"]
    assert item["image"] == f"{SITE}/media/{first.filename}"


def test_photos_in_content_are_plain_absolute_images_and_embeds_are_links(
    feed, briefing, make_update, make_media
):
    first, second = post_with_photos(briefing, make_update, make_media)
    for path in ("/briefings/war/feed.atom", "/briefings/war/feed.rss"):
        (entry,) = feed(path).entries
        root = content_of(entry.content[0].value)
        images = root.xpath("//img")
        assert [img.get("src") for img in images] == [
            f"{SITE}/media/{first.filename}",
            f"{SITE}/media/{second.filename}",
        ]
        assert all(img.get("srcset") is None and img.get("alt") for img in images)
        assert root.xpath("//source | //picture | //iframe") == []
        assert root.xpath("//figure/figcaption/span/text()") == ["Photo: AFP", "Photo: AFP"]
        assert root.xpath("//figure[@data-embed]") == []
        assert VIDEO in root.xpath("//a/@href")


def test_an_entry_without_photos_has_no_enclosure(feed, briefing, make_update):
    make_update(briefing, body="Words only.")
    (entry,) = feed("/briefings/war/feed.rss").entries
    assert entry.get("enclosures", []) == [] and "media_content" not in entry
    (item,) = feed("/briefings/war/feed.json").json()["items"]
    assert "image" not in item
