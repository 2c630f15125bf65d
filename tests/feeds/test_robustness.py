"""Nothing stored can break a feed: control characters, markup-like text, hostile bodies."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update as sql_update

from briefing.extensions import db
from briefing.feeds.model import absolute_html, xml_text
from briefing.models import Briefing, Source, Update, User
from tests.feeds.conftest import SITE, fetch
from tests.rendering.hostile import HOSTILE_BODIES, assert_safe_html, parse_fragment

# Characters XML 1.0 cannot carry (C0 controls, U+FFFE/U+FFFF) or should not (C1, DEL), with
# text that looks like markup. PostgreSQL stores all of these except NUL.
ODD = "bell\x07 esc\x1b[31m vt\x0b ff\x0c del\x7f c1\x85\x9f nonchar\ufffe\uffff ]]> &amp; <b>"
CLEAN = "bell esc[31m vt ff del c1 nonchar ]]> &amp; <b>"


def paths(slug: str) -> list[str]:
    return [f"/briefings/{slug}/feed.{fmt}" for fmt in ("rss", "atom", "json")] + [
        f"/feed.{fmt}" for fmt in ("rss", "atom", "json")
    ]


def test_control_characters_and_markup_like_text_stored_anywhere_never_break_a_feed(
    client, briefing, make_update, editor, atom_schema_errors
):
    item = make_update(briefing, headline="Plain", body="Plain body.", sources=["reuters"])
    make_update(briefing, body="Second.", sources=["afp"])
    # Stored text that bypassed today's input rules (an old import, a manual fix): feeds
    # must still come out well-formed.
    db.session.execute(
        sql_update(Update)
        .where(Update.id == item.id)
        .values(
            headline=ODD,
            body_html=f"<p>{ODD}</p>",
            body_text=ODD,
            correction=ODD,
        )
    )
    db.session.execute(sql_update(Briefing).values(title=ODD, standfirst=ODD))
    db.session.execute(sql_update(User).where(User.id == editor.id).values(display_name=ODD))
    db.session.execute(sql_update(Source).where(Source.slug == "reuters").values(name=ODD))
    db.session.commit()

    atom_documents = []
    for path in paths("war"):
        fetched = fetch(client, path)
        if path.endswith(".json"):
            titles = [i["title"] for i in fetched.json()["items"]]
        else:
            titles = [e.title for e in fetched.entries]
        # Site-wide feeds put the briefing's title before the entry's.
        title = CLEAN if "/briefings/" in path else f"{CLEAN} — {CLEAN}"
        assert title in titles
        if path.endswith(".atom"):
            atom_documents.append(fetched.response.data)
            entry = next(e for e in fetched.entries if e.title == title)
            assert entry.author == CLEAN
            assert [c.name for c in entry.contributors] == [CLEAN]
    assert atom_schema_errors(*atom_documents) == []


def test_feeds_of_hostile_bodies_are_well_formed_safe_and_link_only_to_absolute_urls(
    client, make_briefing, make_update
):
    bodies = [param.values[0] for param in HOSTILE_BODIES]
    slugs = []
    # Feeds hold 50 entries: spread the bodies over enough briefings to show every one.
    for start in range(0, len(bodies), 50):
        hostile = make_briefing(title=f"Hostile {start}")
        slugs.append(hostile.slug)
        for body in bodies[start : start + 50]:
            make_update(hostile, body=body, sources=["reuters"])

    seen = 0
    for slug in slugs:
        for fmt in ("rss", "atom", "json"):
            fetched = fetch(client, f"/briefings/{slug}/feed.{fmt}")
            if fmt == "json":
                contents = [i["content_html"] for i in fetched.json()["items"]]
            else:
                # Straight from the XML: feedparser would sanitize, and hide what we sent.
                contents = [
                    e.text or ""
                    for e in fetched.xml.iter(
                        "{http://www.w3.org/2005/Atom}content",
                        "{http://purl.org/rss/1.0/modules/content/}encoded",
                    )
                ]
            for content in contents:
                assert_safe_html(content)
                for element in parse_fragment(content).iter("a", "img"):
                    url = html.unescape(element.get("href") or element.get("src") or "")
                    if url:
                        assert urlsplit(url).scheme in ("http", "https"), url
            if fmt == "atom":
                seen += len(contents)
    assert seen == len(bodies)


@pytest.mark.parametrize(
    ("fragment", "absolute"),
    [
        ('<a href="/maps/1">x</a>', '<a href="https://news.example.org/maps/1">x</a>'),
        ('<a href="notes.html">x</a>', f'<a href="{SITE}/briefings/war/updates/notes.html">x</a>'),
        ('<a href="#top">x</a>', f'<a href="{SITE}/briefings/war/updates/7#top">x</a>'),
        ('<a href="?page=2">x</a>', f'<a href="{SITE}/briefings/war/updates/7?page=2">x</a>'),
        (
            '<a href="//cdn.example.org/a.png">x</a>',
            '<a href="https://cdn.example.org/a.png">x</a>',
        ),
        ('<img src="/a.png" alt="a">', f'<img src="{SITE}/a.png" alt="a">'),
        ('<a href="https://example.org/a?b=1&amp;c=2">x</a>', None),
        ('<p>No links, but href="x" in text</p>', None),
    ],
)
def test_relative_urls_resolve_against_the_permalink(fragment, absolute):
    base = f"{SITE}/briefings/war/updates/7"
    result = absolute_html(f"<p>Lead</p>{fragment}<p>tail</p>", base)
    assert result == f"<p>Lead</p>{absolute or fragment}<p>tail</p>"


def test_an_unresolvable_url_is_dropped_rather_than_left_relative():
    result = absolute_html('<a href="//[broken/x">x</a>', f"{SITE}/briefings/war")
    assert "href" not in parse_fragment(result).find("a").attrib


def test_bodies_that_link_only_to_web_urls_are_served_as_stored():
    fragment = '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">this</a>.</p>'
    assert absolute_html(fragment, SITE) is fragment


def test_xml_text_keeps_every_character_xml_can_carry():
    kept = "Tab\tnewline\n café ☕ 𝄞 \u00a0 \ud7ff \ue000 \ufffd"
    assert xml_text(kept) == kept
    assert xml_text(ODD) == CLEAN
