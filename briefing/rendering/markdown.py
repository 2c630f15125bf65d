"""The only entry point from Markdown to HTML: render, then sanitize.

Called at save time; the result is stored beside the source text and served as is.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
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
_MARKDOWN = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(
    ["table", "strikethrough"]
)

# C0/C1 control characters other than tab and newline break XML feeds and terminals.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG = re.compile(r"<[^>]*>")
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


def render_markdown(source: str) -> str:
    """Markdown → sanitized HTML fragment, safe to serve without escaping."""
    return nh3.clean(
        _markdown_to_html(clean_text(source)),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative=_relative_url,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def _markdown_to_html(text: str) -> str:
    tokens = _MARKDOWN.parse(text)
    if _deepest(tokens) >= MAX_NESTING - 1:
        # Past its nesting cap the parser drops the rest of the text. No real update nests
        # this deep; keep every word, readable, as plain paragraphs instead.
        blocks = (block.strip() for block in _BLANK_LINES.split(text))
        return "".join(f"<p>{html.escape(block)}</p>" for block in blocks if block)
    return str(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))


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
    """Plain text of a sanitized fragment, for excerpts and structured data."""
    text = _TAG.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(text)).strip()


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
