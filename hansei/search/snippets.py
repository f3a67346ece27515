"""A result's snippet: the passage that matches most of the query, the summary first.

A document's passages are its summary and then one line each of what else people wrote, with
their terms stored line for line (``SearchDocument.body_terms``), so the best passage is found
without analysing the text again; only the chosen passage is analysed, to mark its words.
When nothing but the title matched, the snippet is the start of the summary.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hansei.search.analysis import normalize, spans
from hansei.search.models import SearchDocument
from hansei.search.query import Query

SNIPPET_CHARS = 240
LEAD_CHARS = 70  # of text before the first match
# Matches are looked for in the start of a long passage only (a paragraph rarely is longer).
MARKED_CHARS = 3000


def _covers(terms: str, query: Query) -> int:
    padded = f" {terms} "
    return sum(
        any(f" {' '.join(phrase)} " in padded for phrase in group.alternatives)
        for group in query.groups
    )


def _passages(document: SearchDocument) -> list[tuple[str, str]]:
    passages = [(document.summary, document.summary_terms)] if document.summary else []
    lines = document.body.split("\n")
    terms = document.body_terms.split("\n")
    if len(lines) == len(terms):  # always, unless the row was written by hand
        passages += list(zip(lines, terms, strict=True))
    return passages


def _cut(text: str, start: int) -> tuple[int, int]:
    """A window of about SNIPPET_CHARS starting near ``start``, at word boundaries."""
    begin = max(0, start - LEAD_CHARS)
    if begin:
        space = text.find(" ", begin, start)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", begin + SNIPPET_CHARS // 2, end)
        end = space if space > 0 else end
    return begin, end


def marked(passage: str, query: Query | None) -> SafeString:
    """The passage (or a window of it around the first match), escaped, matches in <mark>."""
    text = " ".join(normalize(passage[:MARKED_CHARS]).split())
    wanted = {term for group in query.groups for term in group.terms} if query else set()
    hits = [(a, b) for a, b, terms in spans(text) if wanted & set(terms)] if wanted else []
    begin, end = _cut(text, hits[0][0] if hits else 0)
    html, position = [], begin
    for a, b in hits:
        if a < begin or b > end:
            continue
        html += [escape(text[position:a]), "<mark>", escape(text[a:b]), "</mark>"]
        position = b
    html.append(escape(text[position:end]))
    lead = "…" if begin else ""
    tail = "…" if end < len(text) else ""
    return mark_safe(lead + "".join(html) + tail)  # everything but our own <mark> is escaped


def snippets(ids: list[int], query: Query | None) -> dict[int, SafeString]:
    """Per postmortem id, the snippet of its best passage for ``query`` (None: its start)."""
    found: dict[int, SafeString] = {}
    for document in SearchDocument.objects.filter(postmortem_id__in=ids):
        passages = _passages(document)
        if not passages:
            continue
        best, best_cover = passages[0][0], 0
        for text, terms in passages if query else []:
            cover = _covers(terms, query)  # type: ignore[arg-type]
            if cover > best_cover:
                best, best_cover = text, cover
        found[document.pk] = marked(best, query if best_cover else None)
    return found
