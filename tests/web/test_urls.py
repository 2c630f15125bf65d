"""Absolute URLs come from one place: SITE_URL and the route table, whatever host a
request came in on."""

from __future__ import annotations

import json

from lxml import html

SITE = "https://www.example.com/live"
OTHER_HOST = "http://10.0.0.7:8000"
FORMATS = ("rss", "atom", "json")


def test_every_absolute_url_is_on_site_url_whatever_the_request_host(
    make_app, app, briefing, make_update, editor, make_token
):
    item = make_update(briefing, body="Crews at work.", sources=["reuters"])
    token = make_token(editor)
    client = make_app(SITE_URL=SITE).test_client()
    page_url = f"{SITE}/briefings/war"
    update_url = f"{page_url}/updates/{item.id}"

    page = html.fromstring(client.get("/briefings/war", base_url=OTHER_HOST).data)
    assert page.xpath("//link[@rel='canonical']/@href") == [page_url]
    assert page.xpath("//meta[@property='og:url']/@content") == [page_url]
    [ld] = page.xpath("//script[@type='application/ld+json']/text()")
    structured = json.loads(ld)
    assert structured["url"] == page_url
    assert [u["url"] for u in structured["liveBlogUpdate"]] == [f"{page_url}#update-{item.id}"]
    # Links within the site stay relative to wherever the reader is.
    feeds = page.xpath("//link[@rel='alternate']/@href")
    assert feeds == [
        f"{path}.{fmt}"
        for path in ("/feed", "/briefings/war/feed", "/briefings/war/key-events")
        for fmt in FORMATS
    ]

    permalink = html.fromstring(client.get(f"/briefings/war/updates/{item.id}").data)
    assert permalink.xpath("//link[@rel='canonical']/@href") == [update_url]

    index = html.fromstring(client.get("/", base_url=OTHER_HOST).data)
    assert index.xpath("//link[@rel='canonical']/@href") == [f"{SITE}/"]

    feed = client.get("/briefings/war/feed.json", base_url=OTHER_HOST).get_json()
    assert (feed["home_page_url"], feed["feed_url"]) == (page_url, f"{page_url}/feed.json")
    assert [entry["url"] for entry in feed["items"]] == [update_url]
    site_feed = client.get("/feed.json", base_url=OTHER_HOST).get_json()
    assert (site_feed["home_page_url"], site_feed["feed_url"]) == (f"{SITE}/", f"{SITE}/feed.json")

    headers = {"Authorization": f"Bearer {token}"}
    api = client.get("/api/v1/briefings/war", base_url=OTHER_HOST, headers=headers).get_json()
    assert api["url"] == page_url
    one = client.get(f"/api/v1/briefings/war/updates/{item.id}", headers=headers).get_json()
    assert one["url"] == update_url
