"""The only entry point from Markdown to HTML: render, then sanitize.

Called at save time; the result is stored beside the source text and served as is.
"""

from __future__ import annotations

import html
import re
import unicodedata

import markdown as md
import nh3

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

# C0/C1 control characters other than tab and newline break XML feeds and terminals.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalize user text before it is stored: NFC, Unix newlines, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", unicodedata.normalize("NFC", text))


def render_markdown(source: str) -> str:
    """Markdown → sanitized HTML fragment, safe to serve without escaping."""
    raw = md.markdown(
        clean_text(source),
        extensions=["extra", "sane_lists"],
        output_format="html",
    )
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


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
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
