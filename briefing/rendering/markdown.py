"""The only entry point from Markdown to HTML: render, then sanitize.

Called at save time; the result is stored beside the source text and served as is.
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, cast
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from briefing.rendering.embeds import embed_for, embed_html

# No <img>: a photo is one of our media objects, placed by Markdown and built below; any
# other image stays a link, so no third party is hot-linked into readers' browsers.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
# Only web URLs and relative ones survive; javascript:, data:, vbscript: and the rest are dropped.
ALLOWED_URL_SCHEMES = {"http", "https"}
LINK_REL = "noopener noreferrer nofollow ugc"

# CommonMark with tables and strikethrough. markdown-it-py parses in linear time and caps
# nesting; Python-Markdown, tried first, took minutes on crafted bodies (runs of "[" or
# unclosed links) and overflowed the stack on deep lists, so one post could hold a worker.
MAX_NESTING = 50
# Bare URLs become links (linkify), but only ones with a scheme: "node.js" stays a word.
_MARKDOWN = MarkdownIt(
    "commonmark", {"html": True, "linkify": True, "maxNesting": MAX_NESTING}
).enable(["table", "strikethrough", "linkify"])
_MARKDOWN.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # type: ignore[union-attr]
# The width a photo takes: the page's column (static/css/site.css), or the screen on phones.
PHOTO_SIZES = "(min-width: 44rem) 42rem, 100vw"


@dataclass(frozen=True)
class Variant:
    url: str
    width: int
    content_type: str


@dataclass(frozen=True)
class Photo:
    """What a figure needs of a media object (services/media.py makes one per object)."""

    url: str  # the widest fallback (JPEG or PNG)
    width: int
    height: int
    alt: str
    caption: str
    credit: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class ImageReference:
    """A Markdown image in a body: `alone` when it is the only thing on its line."""

    url: str
    alt: str
    title: str | None
    alone: bool


# C0/C1 control characters other than tab and newline break XML feeds and terminals.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
# What lax URL consumers may drop before reading a scheme: whitespace (Unicode too), control
# characters and invisible format characters.
_SEGMENT_END = re.compile(r"[/?#]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_URL_NOISE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]+")


def clean_text(text: str) -> str:
    """Normalize user text before it is stored: NFC, Unix newlines, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", unicodedata.normalize("NFC", text))


def render_markdown(source: str, photos: Mapping[str, Photo] | None = None) -> str:
    """Markdown → sanitized HTML fragment, safe to serve without escaping.

    An image alone on its line whose URL is in `photos` becomes a figure; an embeddable URL
    alone on its line becomes an embed placeholder. Both are built here from trusted values
    and put in after sanitizing, in place of a marker the author cannot guess.
    """
    blocks: list[str] = []
    marker = f"briefing-block-{secrets.token_hex(8)}-"
    tokens = _MARKDOWN.parse(clean_text(source))
    if _deepest(tokens) >= MAX_NESTING - 1:
        # Past its nesting cap the parser drops the rest of the text. No real update nests
        # this deep; keep every word, readable, as plain paragraphs instead.
        text = clean_text(source)
        paragraphs = (block.strip() for block in _BLANK_LINES.split(text))
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    _replace_blocks(tokens, photos or {}, blocks, marker)
    rendered = str(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))
    cleaned = _sanitize(rendered)
    for n, block in enumerate(blocks):
        cleaned = cleaned.replace(f"<p>{marker}{n}</p>", block, 1)
    return cleaned


def _sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative=_relative_url,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def image_references(source: str) -> list[ImageReference]:
    """Every Markdown image in a body, in order: what the service resolves to photos."""
    tokens = _MARKDOWN.parse(clean_text(source))
    found = []
    for inline in (t for t in tokens if t.type == "inline"):
        alone = _alone(inline.children or [])
        for child in _walk(inline.children or []):
            if child.type == "image":
                found.append(
                    ImageReference(
                        url=str(child.attrGet("src") or ""),
                        alt=_image_alt(child),
                        title=_image_title(child),
                        alone=alone is child,
                    )
                )
    return found


def _walk(tokens: Sequence[Token]) -> list[Token]:
    return [t for token in tokens for t in [token, *_walk(token.children or [])]]


def _alone(children: Sequence[Token]) -> Token | None:
    """The one token of a line, if there is just one (blank text aside)."""
    meaningful = _meaningful(children)
    return meaningful[0] if len(meaningful) == 1 else None


def _meaningful(children: Sequence[Token]) -> list[Token]:
    return [c for c in children if c.type not in ("text", "softbreak") or c.content.strip()]


def _image_alt(token: Token) -> str:
    renderer = cast(RendererHTML, _MARKDOWN.renderer)
    return _SPACE.sub(" ", renderer.renderInlineAsText(token.children or [], _MARKDOWN.options, {}))


def _image_title(token: Token) -> str | None:
    title = token.attrGet("title")
    return str(title) if title else None


def _replace_blocks(
    tokens: list[Token], photos: Mapping[str, Photo], blocks: list[str], marker: str
) -> None:
    """Swap each paragraph that is a photo or an embed alone for a marker paragraph, and
    remember the trusted markup that replaces the marker once the rest is sanitized."""
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0 or tokens[i - 1].type != "paragraph_open":
            continue
        children = token.children or []
        block = None
        if (image := _alone(children)) is not None and image.type == "image":
            photo = photos.get(str(image.attrGet("src") or ""))
            if photo is not None:
                block = figure_html(photo, alt=_image_alt(image), title=_image_title(image))
        elif (url := _bare_link(children)) and (embed := embed_for(url)):
            block = embed_html(embed, LINK_REL)
        if block is not None:
            replacement = Token("text", "", 0, content=f"{marker}{len(blocks)}")
            token.children = [replacement]
            blocks.append(block)


def _bare_link(children: Sequence[Token]) -> str | None:
    """The URL, if the line is a URL written alone (linkified or <autolinked>)."""
    meaningful = _meaningful(children)
    if [c.type for c in meaningful] != ["link_open", "text", "link_close"]:
        return None
    if meaningful[0].markup not in ("linkify", "autolink"):
        return None
    return str(meaningful[0].attrGet("href") or "")


def figure_html(
    photo: Photo, *, alt: str = "", title: str | None = None, lead: bool = False
) -> str:
    """<figure><picture>(WebP, then the fallback <img>)</picture><figcaption>…</figure>.

    Photos in a body load lazily; a briefing's lead photo, at the top of the page, loads
    first."""
    esc = html.escape

    def srcset(content_types: set[str]) -> str:
        return ", ".join(
            f"{v.url} {v.width}w" for v in photo.variants if v.content_type in content_types
        )

    fallback = {v.content_type for v in photo.variants} - {"image/webp"}
    caption = title if title is not None else photo.caption
    loading = 'fetchpriority="high"' if lead else 'loading="lazy"'
    parts = [
        f'<figure class="{"lead-photo" if lead else "photo"}"><picture>',
        f'<source type="image/webp" srcset="{esc(srcset({"image/webp"}))}" sizes="{PHOTO_SIZES}">',
        f'<img src="{esc(photo.url)}" srcset="{esc(srcset(fallback))}" sizes="{PHOTO_SIZES}" '
        f'width="{photo.width}" height="{photo.height}" {loading} decoding="async" '
        f'alt="{esc(alt or photo.alt)}">',
        "</picture>",
    ]
    if caption or photo.credit:
        credit = f'<span class="photo__credit">{esc(photo.credit)}</span>' if photo.credit else ""
        parts.append(f"<figcaption>{esc(caption)}{' ' if caption and credit else ''}{credit}")
        parts.append("</figcaption>")
    parts.append("</figure>")
    return "".join(parts)


def _render_image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    """Any image that is not one of our photos: a link to it, named by its alt text."""
    token = tokens[idx]
    alt = _image_alt(token) or token.attrGet("src") or ""
    return f'<a href="{html.escape(str(token.attrGet("src") or ""))}">{html.escape(str(alt))}</a>'


_MARKDOWN.add_render_rule("image", _render_image_as_link)


def _deepest(tokens: list[Token]) -> int:
    return max((max([t.level, *(c.level for c in t.children or ())]) for t in tokens), default=0)


def _relative_url(url: str) -> str | None:
    """Keep a relative URL unless it only looks relative.

    Browsers read `javascript%3Aalert(1)` or `java  script:alert(1)` as harmless paths, but a
    feed reader or app that decodes percent escapes or drops whitespace might run them. So,
    as RFC 3986 requires of relative references anyway, the first segment, once decoded and
    squeezed, may hold no colon.
    """
    squeezed = _URL_NOISE.sub("", unquote(url))
    first_segment = _SEGMENT_END.split(squeezed, maxsplit=1)[0]
    return None if ":" in first_segment else url


def html_to_text(fragment: str) -> str:
    """Plain text of a sanitized fragment that reads as prose, for titles made from bodies
    (feeds, <title>, og:title, key events), excerpts and structured data.

    Inline markup adds nothing ("<b>5</b>," is "5,"); each block (paragraph, heading, list
    item, table row, caption) ends a sentence, with a full stop unless it has its own
    punctuation; table cells are separated by commas. Images add nothing: a photo's words
    are its caption."""
    reader = _ProseReader()
    reader.feed(fragment)
    reader.close()
    return _SPACE.sub(" ", "".join(reader.parts)).strip()


# Elements whose end ends a sentence in the plain text; cells; elements with no text.
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
    "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
}  # fmt: skip
_CELL_TAGS = {"td", "th"}
_SILENT_TAGS = {"script", "style", "template", "iframe", "object", "svg"}
# Text ending like this needs no added punctuation (closing quotes and brackets may follow).
_PUNCTUATED = re.compile(r"[.!?…:;,][\"'’”»)\]]*$")


class _ProseReader(HTMLParser):
    """Collects text, remembering the strongest break seen since the last words, so empty
    blocks and cells leave no stray punctuation and nothing trails the last words."""

    BREAKS = ("", " ", ", ", ". ")  # nothing, a line break, a cell, a block

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.last = ""  # the last words written, stripped
        self.pending = 0  # index into BREAKS
        self.silent = 0

    def _break(self, strength: int) -> None:
        if self.last:
            self.pending = max(self.pending, strength)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SILENT_TAGS:
            self.silent += 1
        elif tag in _BLOCK_TAGS:
            self._break(3)
        elif tag in _CELL_TAGS:
            self._break(2)
        elif tag == "br":
            self._break(1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SILENT_TAGS:
            self.silent = max(0, self.silent - 1)
        elif tag in _BLOCK_TAGS:
            self._break(3)

    def handle_data(self, data: str) -> None:
        if self.silent:
            return
        words = data.strip()
        if not words:
            if data and not self.pending:
                self.parts.append(" ")
            return
        if self.pending:
            while self.parts and not self.parts[-1].rstrip():
                self.parts.pop()
            self.parts[-1] = self.parts[-1].rstrip()
            ended = _PUNCTUATED.search(self.last)
            self.parts.append(" " if ended else self.BREAKS[self.pending])
            self.pending = 0
        self.parts.append(data)
        self.last = words


def excerpt(text: str, limit: int = 120) -> str:
    """Cut plain text at a word boundary, marking the cut with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Unless the cut falls just before a space, its last word is partial: drop it.
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
