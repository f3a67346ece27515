"""Markdown to safe HTML: CommonMark (markdown-it-py) then sanitized by nh3 (Ammonia).

Raw HTML in the source is escaped by the parser and anything that still slips through is
removed by the sanitizer, so the output can be marked safe in templates.

Images become links to them: Hansei stores no images, so an image is always another site's,
and showing it would have every reader's browser (or mail client: e-mails carry rendered
Markdown) fetch that site: a tracking pixel. A link is fetched only by whoever follows it.
"""

from __future__ import annotations

import html
import unicodedata
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "span",
    "mark",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
# Table column alignment is a class, not markdown-it's style="text-align:...": the
# Content-Security-Policy refuses style attributes. hansei.css styles these classes.
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {"th": ALIGN_CLASSES, "td": ALIGN_CLASSES}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def _alignment_as_class(tokens: list[Token]) -> None:
    for token in tokens:
        style = token.attrs.pop("style", None) if token.type in {"th_open", "td_open"} else None
        if isinstance(style, str) and style.startswith("text-align:"):
            token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _images_as_links(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "image":
                children.append(child)
                continue
            source = str(child.attrGet("src") or "")
            shown = child.content or source
            link = Token("link_open", "a", 1, attrs={"href": source})
            children += [link, Token("text", "", 0, content=shown), Token("link_close", "a", -1)]
        token.children = children


def _is_wide(char: str) -> bool:
    """A character written without spaces between words (Chinese, Japanese), not Hangul,
    which does use them."""
    if not char or "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff":
        return False
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def _edge(token: Token, last: bool) -> str:
    text = token.content if token.type in {"text", "code_inline"} else ""
    return (text[-1:] if last else text[:1]) if text else ""


def _join_east_asian_lines(tokens: list[Token]) -> None:
    """A line break inside a Japanese or Chinese sentence is no space (CSS Text's segment
    break rule): "検索APIへの⏎リクエスト" reads "検索APIへのリクエスト", never "への リクエスト"."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        for index, child in enumerate(children):
            if child.type != "softbreak" or index == 0 or index + 1 == len(children):
                continue
            before, after = _edge(children[index - 1], True), _edge(children[index + 1], False)
            if _is_wide(before) and _is_wide(after):
                children[index] = Token("text", "", 0, content="")


def render_markdown(source: str) -> str:
    parser = _parser()
    env: dict[str, object] = {}
    tokens = parser.parse(source or "", env)
    _alignment_as_class(tokens)
    _images_as_links(tokens)
    _join_east_asian_lines(tokens)
    html = parser.renderer.render(tokens, parser.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown document, for search indexing and snippets."""
    return html.unescape(nh3.clean(render_markdown(source), tags=set())).strip()
