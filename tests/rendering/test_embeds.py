"""Embeds and bare links: a provider's URL alone on its line becomes a click-to-load
placeholder naming the provider; any other bare URL becomes a link."""

from __future__ import annotations

import pytest

from briefing.rendering.embeds import frame_origins
from briefing.rendering.markdown import render_markdown
from tests.rendering.hostile import parse_fragment as parse

EMBEDS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871"),
    ("https://x.com/RFERL/status/1731000000000000000", "x", "https://platform.twitter.com/embed/Tweet.html?id=1731000000000000000"),
    ("https://twitter.com/RFERL/status/17310", "x", "https://platform.twitter.com/embed/Tweet.html?id=17310"),
    ("https://t.me/rferl_ua/12345", "telegram", "https://t.me/rferl_ua/12345?embed=1"),
    ("https://www.instagram.com/p/C0abcDEFghi/", "instagram", "https://www.instagram.com/p/C0abcDEFghi/embed/"),
    ("https://www.facebook.com/rferl/videos/123456789/", "facebook", "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Frferl%2Fvideos%2F123456789%2F"),
    ("https://www.tiktok.com/@rferl/video/7300000000000000000", "tiktok", "https://www.tiktok.com/embed/v2/7300000000000000000"),
    ("https://bsky.app/profile/rferl.org/post/3kabcdefgh2x", "bluesky", "https://embed.bsky.app/embed/rferl.org/app.bsky.feed.post/3kabcdefgh2x"),
    ("https://mastodon.social/@rferl/111111111111111111", "mastodon", "https://mastodon.social/@rferl/111111111111111111/embed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "provider", "frame"), EMBEDS, ids=[e[1] + e[0][-6:] for e in EMBEDS]
)
def test_a_provider_url_alone_on_its_line_becomes_a_placeholder(url, provider, frame):
    root = parse(render_markdown(f"Watch:\n\n{url}\n\nMore soon."))
    (figure,) = root.xpath("//figure[@data-embed]")
    assert figure.get("data-embed") == provider
    assert figure.get("data-embed-src") == frame
    assert figure.xpath("string(.//p[@class='embed__provider'])")
    (link,) = figure.xpath(".//a")
    assert link.get("href") == url
    # Nothing in the page loads anything from the provider.
    assert root.xpath("//iframe | //img | //script | //*[@src]") == []


def test_an_autolinked_provider_url_embeds_too():
    root = parse(render_markdown("<https://t.me/rferl_ua/12345>"))
    assert root.xpath("//figure/@data-embed") == ["telegram"]


@pytest.mark.parametrize(
    "body",
    [
        "See https://www.youtube.com/watch?v=dQw4w9WgXcQ for the video.",
        "[the video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)",
        "https://www.youtube.com/channel/UC123",
        "https://mastodon.example/@rferl/111111111111111111",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    ],
)
def test_other_urls_stay_links(body):
    root = parse(render_markdown(body))
    assert root.xpath("//figure") == []
    assert len(root.xpath("//a")) == 1


def test_bare_urls_become_links_but_dotted_words_stay_words():
    root = parse(
        render_markdown("Report at https://example.org/report?id=1, via node.js and e.g. this.")
    )
    assert root.xpath("//a/@href") == ["https://example.org/report?id=1"]
    assert root.xpath("//a")[0].get("rel").split() == ["noopener", "noreferrer", "nofollow", "ugc"]


def test_a_hand_written_iframe_is_still_dropped():
    root = parse(render_markdown('<iframe src="https://www.youtube.com/embed/x"></iframe>'))
    assert root.xpath("//iframe") == []


def test_an_author_cannot_forge_the_placeholder_markers():
    html = render_markdown("briefing-block-0000000000000000-0\n\n<p>briefing-block-0-0</p>")
    assert parse(html).xpath("//figure") == []


def test_the_frame_origins_are_exactly_the_providers():
    assert frame_origins()[:8] == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://platform.twitter.com",
        "https://t.me",
        "https://www.instagram.com",
        "https://www.facebook.com",
        "https://www.tiktok.com",
        "https://embed.bsky.app",
    ]
    assert all(origin.startswith("https://") for origin in frame_origins())
