"""What of a published revision the index holds: what people wrote, and the structured fields.

Left out, because they are in nearly every postmortem and would match nearly every search:
the team's name (a filter and a facet instead), the impact lines a new draft is pre-filled
with ("Impact duration: …"), and the timeline entries Hansei writes itself ("Incident
recorded: …", "Detected: <title>"). The summary is kept apart: it ranks above the body and
is where a snippet comes from when the match is in the title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hansei.core.markdown import markdown_to_text
from hansei.incidents.models import IncidentEvent, IncidentEventKind
from hansei.postmortems.document.prefill import IMPACT_KEYS, SUMMARY_KEYS, prefilled_line
from hansei.search.analysis import index_terms

# Incident events Hansei writes itself, copied into a draft's timeline as "event:<id>".
GENERATED_EVENTS = (
    IncidentEventKind.CREATED,
    IncidentEventKind.MILESTONE,
    IncidentEventKind.SEVERITY,
    IncidentEventKind.STATUS,
    IncidentEventKind.OWNER,
    IncidentEventKind.RESPONDER,
)


@dataclass
class IndexedText:
    title: str
    summary: str
    passages: list[str]  # one line each
    fields: list[str]

    @property
    def body(self) -> str:
        return "\n".join(self.passages)

    def columns(self) -> tuple[str, str, str, str]:
        """The four term columns; the body's terms line for line with its passages."""
        return (
            index_terms(self.title),
            index_terms(self.summary),
            "\n".join(index_terms(p) for p in self.passages),
            index_terms(" ; ".join(self.fields)),
        )


def _lines(markdown: str) -> list[str]:
    text = markdown_to_text(markdown)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _section_passages(section: dict[str, Any]) -> list[str]:
    body = section.get("body") or ""
    if section.get("key") in IMPACT_KEYS:
        pattern = prefilled_line()
        body = "\n".join(line for line in body.splitlines() if not pattern.match(line))
    return _lines(body)


def _generated_sources(timeline: list[dict[str, Any]]) -> set[str]:
    ids = []
    for entry in timeline:
        source = str(entry.get("source") or "")
        if source.startswith("event:") and source[6:].isdigit():
            ids.append(int(source[6:]))
    generated = IncidentEvent.objects.filter(
        pk__in=ids, source="hansei", kind__in=GENERATED_EVENTS
    ).values_list("pk", flat=True)
    return {f"event:{pk}" for pk in generated}


def _written_timeline(timeline: list[dict[str, Any]]) -> Iterable[str]:
    generated = _generated_sources(timeline)
    for entry in timeline:
        source = str(entry.get("source") or "")
        if source in generated or source.startswith("incident:"):
            continue
        yield str(entry.get("text") or "")


def indexed_text(snapshot: dict[str, Any]) -> IndexedText:
    """The text of a revision snapshot as the index holds it."""
    sections = snapshot.get("sections", [])
    summary = "\n".join(
        line
        for s in sections
        if s.get("key") in SUMMARY_KEYS
        for line in _lines(s.get("body") or "")
    )
    passages: list[str] = []
    for section in sections:
        if section.get("key") not in SUMMARY_KEYS:
            passages += _section_passages(section)
    for text in _written_timeline(snapshot.get("timeline", [])):
        passages += _lines(text)
    for factor in snapshot.get("contributing_factors", []):
        passages += _lines(factor.get("description") or "")
    for chain in snapshot.get("why_chains", []):
        passages += _lines(chain.get("problem") or "")
        passages += [
            w for why in chain.get("whys", []) if isinstance(why, str) for w in _lines(why)
        ]
    passages += [
        " ".join(str(a.get("title") or "").split()) for a in snapshot.get("action_items", [])
    ]
    incidents = snapshot.get("incidents", [])
    title = str(snapshot.get("title") or "")
    passages += [
        text for i in incidents if (text := " ".join(str(i.get("title") or "").split())) != title
    ]
    fields = [str(s) for i in incidents for s in i.get("services", [])]
    fields += [str(i.get("severity") or "") for i in incidents]
    fields += [str(f.get("category") or "") for f in snapshot.get("contributing_factors", [])]
    return IndexedText(
        title=title,
        summary=summary,
        passages=list(dict.fromkeys(p for p in passages if p)),
        fields=list(dict.fromkeys(f for f in fields if f)),
    )
