"""Hostile Markdown and HTML bodies, and the structural check their rendering must pass.

Every payload that could run tries to call `alert`, so the word surviving in an attribute
value means a payload survived somewhere a browser or feed reader might act on it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from briefing.rendering.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

DANGEROUS_TAGS = {
    "script", "iframe", "svg", "math", "object", "embed", "form", "input", "button", "style",
    "link", "meta", "base", "frame", "frameset", "applet", "noscript", "template", "textarea",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src"}
# Stripped before reading a URL's scheme, as the laxest consumer might: whitespace, control
# and invisible format characters.
_URL_NOISE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]+")
# libxml2 silently flattens documents deeper than 256 levels unless told otherwise, which
# would hide whatever sits below that depth from the check.
_PARSER = lxml.html.HTMLParser(huge_tree=True)

SVG_SCRIPT_DATA = (
    "data:image/svg+xml;base64,"
    "PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48c2NyaXB0PmFsZXJ0KDEp"
    "PC9zY3JpcHQ+PC9zdmc+"
)


def hostile(body: str, name: str) -> pytest.ParameterSet:
    return pytest.param(body, id=name)


HOSTILE_BODIES = [
    # Script elements.
    hostile("<script>alert(1)</script>", "script-plain"),
    hostile("<SCRIPT>alert(1)</SCRIPT>", "script-uppercase"),
    hostile("<scr<script>ipt>alert(1)</scr</script>ipt>", "script-split-by-inner-script"),
    hostile("<script><script>alert(1)</script></script>", "script-nested"),
    hostile("<script>alert(1)", "script-unclosed"),
    hostile('<script src="https://evil.example/x.js"></script>', "script-external-src"),
    hostile("Breaking: **news** <script>alert(1)</script> more", "script-inside-paragraph"),
    # Event handlers.
    hostile("<img src=x onerror=alert(1)>", "img-onerror-unquoted"),
    hostile('<img src="x"   onerror  =  "alert(1)">', "img-onerror-odd-spacing"),
    hostile("<img/src='x'/onerror=alert(1)>", "img-slashes-instead-of-spaces"),
    hostile("<body onload=alert(1)>", "body-onload"),
    hostile('<P ONCLICK="alert(1)">x</P>', "onclick-uppercase"),
    hostile("<div\nonpointerenter\n=\nalert(1)>x</div>", "handler-split-over-lines"),
    hostile("<a href=https://example.com onmouseover=`alert(1)`>x</a>", "handler-backticks"),
    hostile('## Heading {: onclick="alert(1)" style="color:red" }', "attr-list-handler"),
    hostile('[x](https://example.com "a\\" onmouseover=\\"x()")', "title-quote-breakout"),
    hostile('*[HTML]: " onmouseover="x()\n\nHTML is fun', "abbreviation-title-breakout"),
    # Script URLs in Markdown links.
    hostile("[x](javascript:alert(1))", "md-link-javascript"),
    hostile("[x](JaVaScRiPt:alert(1))", "md-link-mixed-case-scheme"),
    hostile("[x](   javascript:alert(1))", "md-link-leading-whitespace"),
    hostile("[x](java\tscript:alert(1))", "md-link-tab-in-scheme"),
    hostile("[x](java\nscript:alert(1))", "md-link-newline-in-scheme"),
    hostile("[x](&#106;avascript:alert(1))", "md-link-decimal-entity"),
    hostile("[x](&#x6A;avascript:alert(1))", "md-link-hex-entity"),
    hostile("[x](java&#x09;script:alert(1))", "md-link-entity-tab-in-scheme"),
    hostile("[x](javascript&colon;alert(1))", "md-link-named-entity-colon"),
    hostile("[x](javascript%3Aalert(1))", "md-link-percent-encoded-colon"),
    hostile("[x](%6Aavascript:alert(1))", "md-link-percent-encoded-letter"),
    hostile("[x](java\u2028script:alert(1))", "md-link-unicode-separator-in-scheme"),
    hostile("[x](java\u200bscript:alert(1))", "md-link-zero-width-space-in-scheme"),
    hostile("[x](<javascript:alert(1)>)", "md-link-angle-bracketed"),
    hostile("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "md-link-data"),
    hostile("[x](vbscript:msgbox(1))", "md-link-vbscript"),
    hostile("[x](file:///etc/passwd)", "md-link-file"),
    hostile("[x][r]\n\n[r]: javascript:alert(1)", "md-reference-link"),
    hostile('[x][r]\n\n[r]: JAVASCRIPT:alert(1) "title"', "md-reference-link-with-title"),
    hostile("<javascript:alert(1)>", "md-autolink-javascript"),
    hostile("<data:text/html,alert(1)>", "md-autolink-data"),
    hostile("![pic](javascript:alert(1))", "md-image-javascript"),
    hostile(f"![pic]({SVG_SCRIPT_DATA})", "md-image-svg-data"),
    hostile("x[^1]\n\n[^1]: [y](javascript:alert(1))", "md-footnote-javascript"),
    hostile('<div markdown="1">[x](javascript:alert(1))</div>', "md-in-html-javascript"),
    # Script URLs in raw HTML.
    hostile('<a href=" \tJaVaScRiPt:alert(1)">x</a>', "a-whitespace-and-mixed-case"),
    hostile('<a href="java\nscript:alert(1)">x</a>', "a-newline-in-scheme"),
    hostile(
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
        '&#0000112&#0000116&#0000058alert(1)">x</a>',
        "a-zero-padded-entities",
    ),
    hostile('<a href="&#x6a;&#x61;&#x76;&#x61;script&#x3a;alert(1)">x</a>', "a-hex-entities"),
    hostile('<IMG SRC="jav&#x09;ascript:alert(1)">', "img-entity-tab-in-scheme"),
    hostile('<img src="vbscript:alert(1)">', "img-vbscript"),
    hostile('<img src="https://example.com/a.png" srcset="javascript:alert(1) 2x">', "srcset"),
    # SVG and MathML.
    hostile("<svg onload=alert(1)>", "svg-onload"),
    hostile("<svg><script>alert(1)</script></svg>", "svg-script"),
    hostile(f'<svg><use href="{SVG_SCRIPT_DATA}#x"/></svg>', "svg-use-href"),
    hostile(
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
        "<text>x</text></a></svg>",
        "svg-animate-href",
    ),
    hostile('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "mathml-xlink"),
    hostile("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "mathml-mxss"),
    # Embedded documents and plugins.
    hostile('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "iframe-srcdoc"),
    hostile('<iframe src="javascript:alert(1)"></iframe>', "iframe-javascript"),
    hostile('<object data="javascript:alert(1)"></object>', "object-data"),
    hostile('<embed src="javascript:alert(1)">', "embed-src"),
    # Forms.
    hostile('<form action="javascript:alert(1)"><input type=submit></form>', "form-action"),
    hostile('<button formaction="javascript:alert(1)">go</button>', "button-formaction"),
    hostile("<input autofocus onfocus=alert(1)>", "input-autofocus-onfocus"),
    # Document-level elements.
    hostile('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "meta-refresh"),
    hostile('<base href="javascript:alert(1)//">', "base-href"),
    hostile('<link rel="stylesheet" href="javascript:alert(1)">', "link-stylesheet"),
    hostile('<style>body{background:url("javascript:alert(1)")}</style>', "style-element"),
    # Style attributes.
    hostile('<p style="width:expression(alert(1))">x</p>', "style-expression"),
    hostile('<p style="background:url(javascript:alert(1))">x</p>', "style-url-javascript"),
    # Broken, unclosed and mismatched markup.
    hostile('<a href="https://example.com onmouseover=alert(1) x', "unclosed-attribute"),
    hostile("<b><i><u>unclosed <img src=x onerror=alert(1)", "unclosed-tags"),
    hostile("<b><i>x</b></i><p><table><tr><td>y</p></td><script>alert(1)", "mismatched-tags"),
    hostile('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "noscript-mxss"),
    hostile("<textarea><script>alert(1)</script></textarea>", "textarea-rcdata"),
    hostile('<title><img src=x onerror="alert(1)"></title>', "title-rcdata"),
    # Comments, CDATA and processing instructions.
    hostile("<!-- <script>alert(1)</script> -->", "comment-hiding-script"),
    hostile("<!--><script>alert(1)</script>-->", "comment-abrupt-close"),
    hostile("<!-- --!><script>alert(1)</script>", "comment-bang-close"),
    hostile("<![CDATA[<script>alert(1)</script>]]>", "cdata"),
    hostile("<?xml-stylesheet href='javascript:alert(1)'?>", "processing-instruction"),
    # NUL bytes and control characters.
    hostile("<scr\x00ipt>alert(1)</script>", "nul-inside-tag-name"),
    hostile("[x](java\x00script:alert(1))", "nul-inside-scheme"),
    hostile("[x](java\x01\x1f\x7fscript:alert(1))", "control-chars-inside-scheme"),
    hostile("\x00\x08\x0b\x0c\x1b[31m\x9b<img src=x onerror=alert(1)>", "terminal-escapes"),
    # Depth and size.
    hostile(">" * 10_000 + " <script>alert(1)</script>", "blockquotes-10000-deep"),
    hostile("".join("\t" * i + "- x\n" for i in range(440)) + "<script>alert(1)", "list-440-deep"),
    hostile("term\n: definition\n" * 3_000, "definition-lists-3000"),
    hostile("<div>" * 10_000 + "<img src=x onerror=alert(1)>", "divs-10000-deep"),
    hostile("<blockquote>" * 5_000 + "[x](javascript:alert(1))", "html-blockquotes-5000"),
    hostile("*" * 5_000 + "x" + "*" * 5_000, "emphasis-5000-deep"),
    hostile("<script>alert(1)</script>" * 4_000, "script-flood-100k"),
    hostile(
        "\n".join(
            f"- [item {i}](https://example.com/{i}) and [bad](javascript:alert({i}))"
            for i in range(1_000)
        ),
        "huge-list-of-links",
    ),
    hostile(
        "| a | b |\n|---|---|\n" + "| <img src=x onerror=alert(1)> | [x](javascript:x) |\n" * 1_500,
        "huge-table",
    ),
    hostile(("Shelling resumed near the town. " * 3_200)[:100_000], "huge-paragraph"),
]


def assert_safe_html(fragment: str) -> None:
    """Parse a rendered fragment and check every element and attribute in it."""
    for element in parse_fragment(fragment).iterdescendants():
        assert isinstance(element.tag, str), f"comment or instruction kept: {element!r}"
        tag = element.tag.lower()
        assert tag not in DANGEROUS_TAGS, f"<{tag}> kept"
        assert tag in ALLOWED_TAGS, f"<{tag}> is not an allowed tag"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in element.attrib.items():
            name = name.lower()
            assert not name.startswith("on"), f"<{tag} {name}> event handler kept"
            assert name != "style", f"<{tag} style> kept"
            assert name in allowed, f"<{tag} {name}> is not an allowed attribute"
            assert "alert" not in value.lower(), f"<{tag} {name}={value!r}> carries a payload"
            if name in URL_ATTRIBUTES:
                assert is_web_or_relative(value), f"<{tag} {name}={value!r}> is not a web URL"


def parse_fragment(fragment: str) -> lxml.html.HtmlElement:
    """The fragment's nodes inside one <div>, parsed however deep they go."""
    return lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)


def is_web_or_relative(url: str) -> bool:
    squeezed = _URL_NOISE.sub("", unquote(html.unescape(url)))
    return urlsplit(squeezed).scheme.lower() in ("", "http", "https")
