"""Markdown to safe HTML: CommonMark (markdown-it-py) then sanitized by nh3 (Ammonia).

Raw HTML in the source is escaped by the parser and anything that still slips through is
removed by the sanitizer, so the output can be marked safe in templates.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

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
    "img",
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
    "img": {"src", "alt", "title"},
    # markdown-it writes table column alignment as style="text-align:..."; only that
    # property survives (see filter_style_properties below).
    "th": {"align", "style"},
    "td": {"align", "style"},
    "code": {"class"},
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(source: str) -> str:
    html = _parser().render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown document, for search indexing and snippets."""
    return html.unescape(nh3.clean(render_markdown(source), tags=set())).strip()
