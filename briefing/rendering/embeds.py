"""Posts and videos from other sites, embedded only when a reader asks.

A URL alone on its own line from one of these providers becomes a placeholder naming the
provider and linking to the original; static/js/embeds.js swaps in the provider's frame on
a click. Until then the page makes no request to the provider. The CSP's frame-src is built
from this table (web/headers.py), so it allows exactly these frames.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

# Mastodon is federated: these are the large instances whose posts may be embedded. Any
# other instance's post stays a link (its frame would need the CSP to allow every host).
MASTODON_HOSTS = (
    "mastodon.social",
    "mastodon.online",
    "mastodon.world",
    "mstdn.social",
    "mas.to",
    "journa.host",
    "newsie.social",
)


@dataclass(frozen=True)
class Provider:
    name: str
    label: str  # what the placeholder calls it
    kind: str  # "video" (16:9 frame) or "post" (a tall frame)
    frame_origins: tuple[str, ...]
    frame_url: Callable[[str, str, dict[str, list[str]]], str | None]  # host, path, query


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # the original, as written
    frame: str  # what the frame loads once the reader asks


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    video = None
    if host == "youtu.be":
        video = path.strip("/")
    elif path == "/watch":
        video = query.get("v", [""])[0]
    elif match := re.fullmatch(r"/(?:shorts|live|embed)/([^/]+)/?", path):
        video = match.group(1)
    if video and re.fullmatch(r"[A-Za-z0-9_-]{11}", video):
        return f"https://www.youtube-nocookie.com/embed/{video}"
    return None


def _vimeo(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/(?:video/)?([0-9]{1,12})/?", path)
    return f"https://player.vimeo.com/video/{match.group(1)}" if match else None


def _x(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/[A-Za-z0-9_]{1,15}/status/([0-9]{1,20})/?", path)
    if match:
        return f"https://platform.twitter.com/embed/Tweet.html?id={match.group(1)}"
    return None


def _telegram(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/([A-Za-z0-9_]{5,32})/([0-9]{1,10})/?", path)
    if match:
        return f"https://t.me/{match.group(1)}/{match.group(2)}?embed=1"
    return None


def _instagram(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/(p|reel|tv)/([A-Za-z0-9_-]{5,40})/?", path)
    if match:
        return f"https://www.instagram.com/{match.group(1)}/{match.group(2)}/embed/"
    return None


def _facebook(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    original = quote(f"https://www.facebook.com{path}", safe="")
    if re.fullmatch(r"/[A-Za-z0-9.]{1,80}/videos/[0-9]{1,25}/?", path):
        return f"https://www.facebook.com/plugins/video.php?href={original}"
    if re.fullmatch(r"/[A-Za-z0-9.]{1,80}/posts/[A-Za-z0-9]{1,80}/?", path):
        return f"https://www.facebook.com/plugins/post.php?href={original}"
    return None


def _tiktok(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/@[A-Za-z0-9_.]{1,40}/video/([0-9]{1,25})/?", path)
    return f"https://www.tiktok.com/embed/v2/{match.group(1)}" if match else None


def _bluesky(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/profile/([A-Za-z0-9.:-]{3,253})/post/([a-z0-9]{5,20})/?", path)
    if match:
        return f"https://embed.bsky.app/embed/{match.group(1)}/app.bsky.feed.post/{match.group(2)}"
    return None


def _mastodon(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    match = re.fullmatch(r"/@([A-Za-z0-9_]{1,30})/([0-9]{1,20})/?", path)
    if match:
        return f"https://{host}/@{match.group(1)}/{match.group(2)}/embed"
    return None


PROVIDERS = (
    Provider("youtube", "YouTube", "video", ("https://www.youtube-nocookie.com",), _youtube),
    Provider("vimeo", "Vimeo", "video", ("https://player.vimeo.com",), _vimeo),
    Provider("x", "X (Twitter)", "post", ("https://platform.twitter.com",), _x),
    Provider("telegram", "Telegram", "post", ("https://t.me",), _telegram),
    Provider("instagram", "Instagram", "post", ("https://www.instagram.com",), _instagram),
    Provider("facebook", "Facebook", "post", ("https://www.facebook.com",), _facebook),
    Provider("tiktok", "TikTok", "post", ("https://www.tiktok.com",), _tiktok),
    Provider("bluesky", "Bluesky", "post", ("https://embed.bsky.app",), _bluesky),
    Provider(
        "mastodon", "Mastodon", "post", tuple(f"https://{h}" for h in MASTODON_HOSTS), _mastodon
    ),
)
_BY_NAME = {provider.name: provider for provider in PROVIDERS}
HOSTS = {
    "youtube.com": "youtube",
    "www.youtube.com": "youtube",
    "m.youtube.com": "youtube",
    "youtu.be": "youtube",
    "vimeo.com": "vimeo",
    "www.vimeo.com": "vimeo",
    "twitter.com": "x",
    "www.twitter.com": "x",
    "mobile.twitter.com": "x",
    "x.com": "x",
    "www.x.com": "x",
    "t.me": "telegram",
    "instagram.com": "instagram",
    "www.instagram.com": "instagram",
    "facebook.com": "facebook",
    "www.facebook.com": "facebook",
    "m.facebook.com": "facebook",
    "tiktok.com": "tiktok",
    "www.tiktok.com": "tiktok",
    "bsky.app": "bluesky",
    **{host: "mastodon" for host in MASTODON_HOSTS},
}


def frame_origins() -> list[str]:
    """Every origin an embed's frame may load from: the CSP's frame-src."""
    return [origin for provider in PROVIDERS for origin in provider.frame_origins]


def embed_for(url: str) -> Embed | None:
    """The embed a URL alone on its line becomes, or None if it stays a link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in HOSTS or parts.port:
        return None
    provider = _BY_NAME[HOSTS[host]]
    frame = provider.frame_url(host, parts.path, parse_qs(parts.query))
    return Embed(provider, url, frame) if frame else None


def embed_html(embed: Embed, link_rel: str) -> str:
    """The placeholder: the provider's name and a plain link to the original. Nothing in it
    loads anything from the provider."""
    label = html.escape(embed.provider.label)
    url = html.escape(embed.url)
    return (
        f'<figure class="embed embed--{embed.provider.kind}" '
        f'data-embed="{embed.provider.name}" data-embed-label="{label}" '
        f'data-embed-src="{html.escape(embed.frame)}">'
        f'<p class="embed__provider">{label}</p>'
        f'<a class="embed__link" href="{url}" rel="{link_rel}">{url}</a>'
        "</figure>"
    )
