"""Reader pages, checked by parsing their HTML."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from briefing.models import BriefingStatus, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service


def parse(response):
    assert response.status_code == 200, response.data[:500]
    return lxml.html.fromstring(response.data)


def articles(doc, scope="//div[@id='updates']"):
    return doc.xpath(f"{scope}/article")


def test_live_page_shows_updates_newest_first_with_times_and_credits(client, briefing, make_update):
    base = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    first = make_update(
        briefing, body="Sirens sounded in Kyiv.", sources=["reuters"], published_at=base
    )
    second = make_update(
        briefing,
        headline="Strike on power plant",
        body="A *plant* was hit.",
        sources=["reuters", "afp", "ap"],
        published_at=base + timedelta(minutes=30),
    )

    doc = parse(client.get("/briefings/war"))
    items = articles(doc)
    assert [a.get("id") for a in items] == [f"update-{second.id}", f"update-{first.id}"]
    newest = items[0]
    assert newest.xpath(".//h2[@class='update__headline']")[0].text_content() == (
        "Strike on power plant"
    )
    assert newest.xpath(".//div[contains(@class,'update__body')]//em")[0].text == "plant"
    # Times are shown in the briefing's timezone (Kyiv is UTC+2 in November), labelled.
    time = newest.xpath(".//time")[0]
    assert time.get("datetime") == "2026-11-20T12:30:00+02:00"
    assert "12:30 Kyiv time" in time.text_content()
    assert newest.xpath(".//p[@class='update__credit']")[0].text_content() == (
        "With reporting by Reuters, AFP and AP"
    )
    assert items[1].xpath(".//p[@class='update__credit']")[0].text_content() == (
        "With reporting by Reuters"
    )
    permalink = newest.xpath(".//a[@class='update__time']")[0].get("href")
    assert permalink == f"/briefings/war/updates/{second.id}"
    footer = doc.xpath("//footer[@class='site-footer']//p[@class='credits']")[0]
    assert [a.text for a in footer.xpath(".//a")] == ["AFP", "AP", "Reuters"]


def test_live_page_head_has_canonical_feeds_open_graph_and_live_blog_json_ld(
    client, briefing, make_update
):
    item = make_update(briefing, headline="Talks resume", body="Delegations met in Istanbul.")
    doc = parse(client.get("/briefings/war"))
    head = doc.xpath("//head")[0]
    assert head.xpath("link[@rel='canonical']/@href") == ["https://news.example.org/briefings/war"]
    feeds = head.xpath("link[@rel='alternate']")
    per_briefing = {
        link.get("type"): link.get("href")
        for link in feeds
        if link.get("href").startswith("/briefings/war/feed.")
    }
    assert per_briefing == {
        "application/rss+xml": "/briefings/war/feed.rss",
        "application/atom+xml": "/briefings/war/feed.atom",
        "application/feed+json": "/briefings/war/feed.json",
    }
    assert {link.get("href") for link in feeds} >= {"/feed.rss", "/feed.atom", "/feed.json"}
    assert head.xpath("meta[@property='og:title']/@content") == ["War in Ukraine: live"]
    assert head.xpath("meta[@name='description']/@content") == [briefing.standfirst]

    data = json.loads(head.xpath("script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "LiveBlogPosting"
    assert "coverageStartTime" in data and "coverageEndTime" not in data
    entry = data["liveBlogUpdate"][0]
    assert entry["headline"] == "Talks resume"
    assert entry["articleBody"] == "Delegations met in Istanbul."
    assert entry["url"] == f"https://news.example.org/briefings/war#update-{item.id}"
    assert datetime.fromisoformat(entry["datePublished"]) == item.published_at.replace(
        microsecond=0
    )


def test_ended_briefing_says_so_and_declares_coverage_end(client, briefing, editor, make_update):
    make_update(briefing, body="Final update.")
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    doc = parse(client.get("/briefings/war"))
    assert doc.xpath("//span[contains(@class,'badge--ended')]")
    assert "has ended" in doc.xpath("//p[contains(@class,'notice--ended')]")[0].text_content()
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert datetime.fromisoformat(data["coverageEndTime"]) == briefing.ended_at.replace(
        microsecond=0
    )


def test_pinned_update_has_its_own_slot_and_key_events_link_to_updates(
    client, briefing, make_update
):
    pinned = make_update(briefing, headline="What we know", body="Summary.", pinned=True)
    key = make_update(briefing, headline="Dam breached", body="Water rising.", key_event=True)
    make_update(briefing, body="Routine note.")
    doc = parse(client.get("/briefings/war"))
    slot = doc.xpath("//section[@class='pinned']/article")
    assert [a.get("id") for a in slot] == [f"update-{pinned.id}"]
    # Never twice on one page: ids stay unique.
    ids = doc.xpath("//article/@id")
    assert len(ids) == len(set(ids)) == 3
    links = doc.xpath("//nav[@class='key-events']//a")
    assert [a.get("href") for a in links] == [f"#update-{key.id}"]
    assert "Dam breached" in links[0].text_content()
    assert doc.xpath(f"//article[@id='update-{key.id}']//span[contains(@class,'tag--key')]")


def test_summary_box_shows_sanitized_markdown(client, briefing, editor):
    briefing_service.change_briefing(
        briefing, actor=editor, summary="- Power cut in **three** regions\n- <script>x()</script>"
    )
    doc = parse(client.get("/briefings/war"))
    box = doc.xpath("//section[@class='summary-box']")[0]
    assert box.xpath(".//li/strong")[0].text == "three"
    # Besides the scripts' words (a JSON data block), every script in the body is a file.
    scripts = doc.xpath("//body//script[not(@type='application/json')]")
    assert [s.get("src", "") for s in scripts] == [
        s.get("src") for s in doc.xpath("//body//script[@src]")
    ]
    assert "x()" not in " ".join(s.text or "" for s in doc.xpath("//script"))


def test_pagination_walks_every_update_once_in_both_orders(client, app, briefing, make_update):
    app.config["UPDATES_PER_PAGE"] = 4
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    made = [
        make_update(briefing, body=f"Item {i}", published_at=start + timedelta(minutes=i))
        for i in range(10)
    ]
    # Two updates with the same timestamp must still both appear exactly once.
    made.append(make_update(briefing, body="Same minute", published_at=made[5].published_at))

    for query, expected in (
        ("", sorted(made, key=lambda u: (u.published_at, u.id), reverse=True)),
        ("?order=oldest", sorted(made, key=lambda u: (u.published_at, u.id))),
    ):
        seen, url = [], "/briefings/war" + query
        while url:
            doc = parse(client.get(url))
            seen += [a.get("id") for a in articles(doc)]
            nxt = doc.xpath("//nav[@class='pager']/a[@rel='next']/@href")
            url = nxt[0] if nxt else None
        assert seen == [f"update-{u.id}" for u in expected]


def test_page_queries_do_not_grow_with_the_number_of_updates(
    client, briefing, make_update, count_queries
):
    def queries_for_page() -> int:
        with count_queries() as counter:
            assert client.get("/briefings/war").status_code == 200
        return counter.count

    for i in range(3):
        make_update(briefing, body=f"Small {i}", sources=["reuters", "afp"], key_event=True)
    small = queries_for_page()
    for i in range(40):
        make_update(briefing, body=f"Large {i}", sources=["ap", "dpa"], key_event=i % 2 == 0)
    assert queries_for_page() == small


def test_edited_update_shows_updated_time_and_correction(client, briefing, make_update, editor):
    item = make_update(briefing, body="Ten people were hurt.")
    update_service.edit_update(
        item,
        actor=editor,
        version=1,
        body="Twelve people were hurt.",
        correction="An earlier version gave the wrong number.",
    )
    doc = parse(client.get("/briefings/war"))
    article = doc.xpath(f"//article[@id='update-{item.id}']")[0]
    assert article.xpath(".//span[@class='update__edited']/time/@datetime")
    assert "wrong number" in article.xpath(".//p[@class='update__correction']")[0].text_content()
    assert "Twelve" in article.xpath(".//div[contains(@class,'update__body')]")[0].text_content()


def test_retracted_and_draft_updates_are_invisible(client, briefing, make_update, editor):
    gone = make_update(briefing, body="Wrong report.")
    update_service.retract_update(gone, actor=editor)
    draft = make_update(briefing, body="Not yet.", status=UpdateStatus.DRAFT)
    kept = make_update(briefing, body="Confirmed report.")
    doc = parse(client.get("/briefings/war"))
    assert [a.get("id") for a in articles(doc)] == [f"update-{kept.id}"]
    for hidden in (gone, draft):
        response = client.get(f"/briefings/war/updates/{hidden.id}")
        assert response.status_code == 404


def test_permalink_page_is_canonical_and_links_back_into_context(client, briefing, make_update):
    item = make_update(briefing, headline="Bridge reopened", body="Traffic resumed at noon.")
    doc = parse(client.get(f"/briefings/war/updates/{item.id}"))
    canonical = f"https://news.example.org/briefings/war/updates/{item.id}"
    assert doc.xpath("//link[@rel='canonical']/@href") == [canonical]
    assert doc.xpath("//article/@id") == [f"update-{item.id}"]
    context = doc.xpath("//nav[@class='permalink__nav']/a[@class='button']/@href")[0]
    assert context.endswith(f"#update-{item.id}")
    # Following "see it in context" lands on a page whose first update is this one.
    first = articles(parse(client.get(context.split("#")[0])))[0]
    assert first.get("id") == f"update-{item.id}"


def test_permalink_shows_the_date_even_for_todays_update(client, briefing, make_update, editor):
    # A permalink is read days later: "00:37 Kyiv time" alone would not say which day.
    item = make_update(briefing, body="Shelling overnight.")
    edited = update_service.edit_update(
        item, actor=editor, version=item.version, body="Shelling overnight, officials say."
    )
    local = edited.published_at.astimezone(ZoneInfo("Europe/Kyiv"))
    changed = edited.edited_at.astimezone(ZoneInfo("Europe/Kyiv"))
    doc = parse(client.get(f"/briefings/war/updates/{item.id}"))
    assert doc.xpath("//a[@class='update__time']/time")[0].text_content() == (
        f"{local.day} {local:%b %Y}, {local:%H:%M} Kyiv time"
    )
    assert doc.xpath("//span[@class='update__edited']/time")[0].text_content() == (
        f"{changed.day} {changed:%b %Y}, {changed:%H:%M} Kyiv time"
    )
    # The live page keeps today's short label.
    live = parse(client.get("/briefings/war"))
    assert live.xpath("//a[@class='update__time']/time")[0].text_content() == (
        f"{local:%H:%M} Kyiv time"
    )


def test_index_lists_live_briefings_before_ended_ones(client, make_briefing, make_update, editor):
    ended = make_briefing(title="Election night", slug="election")
    make_update(ended, body="Polls closed.")
    briefing_service.change_briefing(ended, actor=editor, status=BriefingStatus.ENDED)
    live = make_briefing(title="Storm Ciarán", slug="storm")
    make_update(live, body="Winds of 150 km/h.")
    make_briefing(title="Embargoed", slug="secret", status=BriefingStatus.DRAFT)

    doc = parse(client.get("/"))
    titles = [t.text for t in doc.xpath("//span[@class='briefing-card__title']")]
    assert titles == ["Storm Ciarán", "Election night"]
    live_card = doc.xpath("//ul[@aria-label='Live now']/li")[0]
    assert live_card.xpath(".//span[contains(@class,'badge--live')]")
    assert live_card.xpath(".//time/@datetime")


@pytest.mark.parametrize(
    "path",
    [
        "/briefings/nope",
        "/briefings/secret",
        "/briefings/war/updates/999999",
        "/briefings/war/updates/99999999999999999999",
        "/briefings/war/updates/4294967296",
        "/briefings/%00",
        "/briefings/%00/updates/1",
        "/briefings/" + "a" * 100,
        "/no/such/page",
    ],
)
def test_missing_things_are_404_pages_in_the_site_design(client, briefing, make_briefing, path):
    make_briefing(title="Embargoed", slug="secret", status=BriefingStatus.DRAFT)
    response = client.get(path)
    assert response.status_code == 404
    doc = lxml.html.fromstring(response.data)
    assert doc.xpath("//header[@class='masthead']")
    assert doc.xpath("//h1")[0].text_content()


@pytest.mark.parametrize("cursor", ["garbage", "1-2-3", "99999999999999999999999-1", "-5-x"])
def test_bad_page_cursor_gets_a_clear_answer_not_a_crash(client, briefing, cursor):
    response = client.get("/briefings/war", query_string={"before": cursor})
    assert response.status_code in (400, 422)
    assert b"cursor" in response.data


def test_conditional_get_answers_304_until_the_briefing_changes(client, briefing, make_update):
    make_update(briefing, body="One.")
    first = client.get("/briefings/war")
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/briefings/war", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_update(briefing, body="Two.")
    changed = client.get("/briefings/war", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize(
    "path", ["/", "/briefings/war", "/briefings/nope", "/healthz", "/static/css/site.css"]
)
def test_every_response_carries_security_headers(client, briefing, path):
    response = client.get(path)
    response.close()
    policy = {
        name: values
        for name, *values in (
            directive.split()
            for directive in response.headers["Content-Security-Policy"].split(";")
        )
    }
    # Scripts only from our own files: no inline script, no eval, no plugins, no framing.
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # Served over https (SITE_URL), so browsers are told to stay on https.
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_contain_no_inline_script(client, briefing, make_update):
    make_update(briefing, body="Text.")
    for path in ("/", "/briefings/war", "/briefings/nope"):
        doc = lxml.html.fromstring(client.get(path).data)
        for script in doc.xpath("//script"):
            data_block = script.get("type") in ("application/ld+json", "application/json")
            assert script.get("src") or data_block
        assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_reports_an_unreachable_database_without_failing(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no-such-dir/briefing.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unreachable", "broker": "ok"}


def test_static_files_have_hashed_urls_and_long_caching(client, briefing):
    doc = parse(client.get("/briefings/war"))
    href = doc.xpath("//link[@rel='stylesheet']/@href")[0]
    assert href.startswith("/static/css/site.css?v=")
    response = client.get(href)
    response.close()
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600


def test_modules_imported_without_a_hash_are_revalidated_on_every_use(client):
    response = client.get("/static/js/live.js")
    response.close()
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.cache_control.no_cache and response.cache_control.max_age is None
    again = client.get("/static/js/live.js", headers={"If-None-Match": response.headers["ETag"]})
    again.close()
    assert again.status_code == 304


def test_titles_made_from_a_body_read_as_prose_everywhere(client, briefing, make_update):
    import feedparser

    body = (
        "Death toll rises to **5**, the *State Emergency Service* says.\n\n"
        "| Village | Evacuated |\n|---|---|\n| Verkhnie | 120 |\n| Nyzhnie | 80 |\n"
    )
    item = make_update(briefing, body=body, key_event=True)
    title = "Death toll rises to 5, the State Emergency Service says. Village, Evacuated. Verkhnie…"
    assert item.title_text == title
    page = parse(client.get(f"/briefings/war/updates/{item.id}"))
    assert page.findtext(".//title").startswith(title + " · ")
    assert page.xpath("//meta[@property='og:title']/@content") == [title]
    live = parse(client.get("/briefings/war"))
    assert [" ".join(s.text_content().split()) for s in live.xpath(
        "//li[@class='key-events__item']//span"
    )] == [title]  # fmt: skip
    feed = feedparser.parse(client.get("/briefings/war/feed.atom").data)
    assert [entry.title for entry in feed.entries] == [title]
