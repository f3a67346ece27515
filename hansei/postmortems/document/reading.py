"""The reading view: a postmortem as a clean document, for everyone who is not editing it.

It reads a snapshot, the frozen data of a published revision or the live draft's data built
the same way, so a published revision, the latest one and a draft under review read alike. The
apps above postmortems add their parts through template tags (the action items with their
status today, the review, the comments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hansei import access
from hansei.accounts.models import User
from hansei.core.http import AuthedRequest
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.analysis.models import ImpactUnit
from hansei.postmortems.document.models import Postmortem, Revision, Status
from hansei.postmortems.document.queries import read_counts
from hansei.postmortems.document.snapshot import FIGURE_LABELS, build_snapshot, choice_label
from hansei.postmortems.template_library.models import SectionKind

# Which of an incident's moments a reader sees, in order.
MOMENTS = (
    ("started_at", gettext_lazy("Started")),
    ("detected_at", gettext_lazy("Detected")),
    ("mitigated_at", gettext_lazy("Mitigated")),
    ("resolved_at", gettext_lazy("Resolved")),
)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    hint: str = ""


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str


def _when(value: str | None) -> datetime | None:
    """A snapshot's ISO time, aware, for the template to show in the reader's zone."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def impact_figures(impact: dict[str, Any] | None) -> list[Figure]:
    """Only the figures that were recorded: a reader is not shown six empty boxes."""
    if not impact:
        return []
    unit = choice_label(ImpactUnit, impact.get("affected_unit") or "users")
    candidates = [
        (_("Affected"), impact.get("affected_count"), "", str(unit)),
        (_("Requests failed"), impact.get("requests_failed_percent"), " %", ""),
        (_("User-visible impact"), impact.get("user_visible_minutes"), " " + _("min"), ""),
        (_("Support tickets"), impact.get("support_tickets"), "", ""),
        (
            _("Revenue impact"),
            impact.get("revenue_impact"),
            "",
            str(impact.get("revenue_currency") or ""),
        ),
        (_("Error budget consumed"), impact.get("error_budget_percent"), " %", ""),
    ]
    return [
        Figure(label, _number(value) + suffix, hint)
        for label, value, suffix, hint in candidates
        if value is not None
    ]


def _incident(data: dict[str, Any]) -> dict[str, Any]:
    figures = [
        Figure(str(FIGURE_LABELS.get(name, name)), value)
        for name, value in (data.get("figures") or {}).items()
        if value and value != "—"
    ]
    moments = [(label, _when(data.get(key))) for key, label in MOMENTS]
    return {
        **data,
        "figure_list": figures,
        "moments": [(label, when) for label, when in moments if when is not None],
    }


def _first(keys: list[str], wanted: tuple[str, ...]) -> str:
    return next((key for key in keys if key in wanted), "")


def document_context(
    postmortem: Postmortem,
    revision: Revision | None,
    *,
    reader: User,
    show_all: bool = False,
) -> dict[str, Any]:
    """The document ``postmortems/_document.html`` lays out, the same on the page, in a PDF
    and in an export bundle: ``revision``'s content, or the live draft's. ``reader`` decides
    only what the document links to (later recurrences, carried items); the content is the
    revision's."""
    data = revision.snapshot if revision is not None else build_snapshot(postmortem)
    sections = [SimpleNamespace(**s) for s in data.get("sections", [])]
    published = revision is not None
    shown = [
        s
        for s in sections
        if s.kind in (SectionKind.TIMELINE, SectionKind.ACTION_ITEMS)
        or s.body.strip()
        or not published  # a draft's reader sees what is still missing
    ]
    # Figures and analysis go with their sections when those are shown, else where they fit.
    keys = [s.key for s in shown]
    impact_key = next((s.key for s in shown if s.kind == SectionKind.IMPACT), "")
    anchors = {
        "impact": impact_key or _first(keys, ("impact", "eikyou")),
        "root": _first(keys, ("root_causes", "genin")),
        "trigger": "trigger" if "trigger" in keys else "",
    }
    timeline = [
        {**entry, "when": _when(entry.get("occurred_at"))} for entry in data.get("timeline", [])
    ]
    key_events = [entry for entry in timeline if entry.get("is_key_event")]
    show_all = show_all or not key_events
    figures = impact_figures(data.get("impact"))
    analysis = bool(data.get("contributing_factors") or data.get("why_chains"))
    toc = [TocEntry("incidents", _("Incidents"))] if data.get("incidents") else []
    if figures and not anchors["impact"]:
        toc.append(TocEntry("impact-figures", _("Impact in numbers")))
    for section in shown:
        toc.append(TocEntry(f"section-{section.key}", section.title))
        if section.key == anchors["root"] and analysis:
            toc.append(TocEntry("analysis", _("Analysis")))
    if analysis and not anchors["root"]:
        toc.append(TocEntry("analysis", _("Analysis")))
    return {
        "postmortem": postmortem,
        "data": data,
        "revision": revision,
        "reader": reader,
        "sections": shown,
        "anchors": anchors,
        "kinds": SectionKind,
        "incidents": [_incident(i) for i in data.get("incidents", [])],
        "impact_figures": figures,
        "impact_notes": (data.get("impact") or {}).get("notes", ""),
        "timeline": timeline if show_all else key_events,
        "timeline_total": len(timeline),
        "key_event_count": len(key_events),
        "show_all": show_all,
        "toc": toc,
    }


def reading_context(
    request: AuthedRequest,
    postmortem: Postmortem,
    revision: Revision | None = None,
) -> dict[str, Any]:
    """What ``postmortems/read.html`` shows: the document and, around it, what the reader
    may do with it."""
    user = request.user
    context = document_context(
        postmortem, revision, reader=user, show_all=request.GET.get("all") == "1"
    )
    latest = postmortem.latest_revision()
    can_edit = access.can_edit_postmortem(user, postmortem)
    return {
        **context,
        "latest_revision": latest,
        "is_latest": revision is None or (latest is not None and latest.pk == revision.pk),
        "can_edit": can_edit,
        "editing": access.can_change_draft(user, postmortem),
        "can_read_live": access.can_read_live_content(user, postmortem),
        "can_comment_on_text": postmortem.status != Status.PUBLISHED
        and access.can_join_live_document(user, postmortem),
        "reading": True,
        "reads": read_counts(postmortem)
        if can_edit and PostmortemPolicy.current().read_tracking
        else None,
        "source_url": request.build_absolute_uri(),
        # The timeline's links keep a writer in the reading view.
        "view_query": "view=read&" if request.GET.get("view") == "read" else "",
    }
