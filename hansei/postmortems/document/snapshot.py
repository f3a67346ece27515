"""A postmortem as plain data: the frozen content of a revision, and the export formats."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hansei.core.dates import format_duration
from hansei.postmortems.analysis.models import ImpactUnit, PostmortemImpact
from hansei.postmortems.document import live_text, parts
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.template_library.models import SectionKind


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _incident_data(incident: Any) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "severity": incident.severity.name,
        "services": [s.name for s in incident.services.all()],
        "started_at": _iso(incident.started_at),
        "detected_at": _iso(incident.detected_at),
        "acknowledged_at": _iso(incident.acknowledged_at),
        "mitigated_at": _iso(incident.mitigated_at),
        "resolved_at": _iso(incident.resolved_at),
        "detection_method": incident.detection_method,
        "downtime_minutes": incident.downtime_minutes,
        "data_loss": incident.data_loss,
        "intervention": incident.intervention,
        "billing_impact": incident.billing_impact,
        "figures": {
            "time_to_detect": format_duration(incident.time_to_detect),
            "time_to_acknowledge": format_duration(incident.time_to_acknowledge),
            "time_to_mitigate": format_duration(incident.time_to_mitigate),
            "time_to_resolve": format_duration(incident.time_to_resolve),
            "impact_duration": format_duration(incident.impact_duration),
        },
    }


def build_snapshot(postmortem: Postmortem) -> dict[str, Any]:
    live_text.ensure_text_saved(postmortem.pk)  # never a stale copy of the live text
    incidents = postmortem.incidents.select_related("severity").prefetch_related("services")
    return {
        "id": postmortem.pk,
        "title": postmortem.title,
        "team": postmortem.team.name,
        "owner": postmortem.owner.name,
        "language": postmortem.language,
        "status": postmortem.status,
        "restricted": postmortem.restricted,
        "due_date": _iso(postmortem.due_date),
        "published_at": _iso(postmortem.published_at),
        "incidents": [_incident_data(i) for i in incidents.order_by("started_at")],
        "sections": [
            {"key": s.key, "title": s.title, "kind": s.kind, "body": s.body}
            for s in postmortem.sections.all()
        ],
        "timeline": [
            {
                "id": e.pk,
                "occurred_at": _iso(e.occurred_at),
                "text": e.text,
                "kind": e.kind,
                "is_key_event": e.is_key_event,
                "link_url": e.link_url,
                "source": e.source,
            }
            for e in postmortem.timeline.all()
        ],
        "impact": impact_data(postmortem),
        "contributing_factors": [
            {
                "id": f.pk,
                "category": f.category.name if f.category else None,
                "description": f.description,
                "created_at": _iso(f.created_at),
            }
            for f in postmortem.contributing_factors.select_related("category")
        ],
        "why_chains": [
            {
                "id": c.pk,
                "problem": c.problem,
                "whys": list(c.whys),
                "created_at": _iso(c.created_at),
                "updated_at": _iso(c.updated_at),
            }
            for c in postmortem.why_chains.all()
        ],
        **{part.key: part.data(postmortem) for part in parts.snapshot_parts()},
    }


def _number(value: Any) -> float | int | None:
    """Decimals as JSON numbers (the snapshot is JSON)."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def impact_data(postmortem: Postmortem) -> dict[str, Any] | None:
    impact = PostmortemImpact.objects.filter(postmortem=postmortem).first()
    if impact is None:
        return None
    return {
        "affected_count": impact.affected_count,
        "affected_unit": impact.affected_unit,
        "requests_failed_percent": _number(impact.requests_failed_percent),
        "user_visible_minutes": impact.user_visible_minutes,
        "support_tickets": impact.support_tickets,
        "revenue_impact": _number(impact.revenue_impact),
        "revenue_currency": impact.revenue_currency,
        "error_budget_percent": _number(impact.error_budget_percent),
        "notes": impact.notes,
    }


FIGURE_LABELS = {
    "time_to_detect": gettext_lazy("Time to detect"),
    "time_to_acknowledge": gettext_lazy("Time to acknowledge"),
    "time_to_mitigate": gettext_lazy("Time to mitigate"),
    "time_to_resolve": gettext_lazy("Time to resolve"),
    "impact_duration": gettext_lazy("Impact time"),
}


def choice_label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


IMPACT_KEYS = ("impact", "eikyou")
ROOT_CAUSE_KEYS = ("root_causes", "genin")


def impact_lines(impact: dict[str, Any] | None) -> list[str]:
    """The impact figures as a Markdown list (empty when none was recorded)."""
    if not impact:
        return []
    unit = choice_label(ImpactUnit, impact.get("affected_unit") or "users")
    figures = [
        (_("Affected"), impact.get("affected_count"), f" {unit}"),
        (_("Requests failed"), impact.get("requests_failed_percent"), " %"),
        (_("User-visible impact"), impact.get("user_visible_minutes"), f" {_('min')}"),
        (_("Support tickets"), impact.get("support_tickets"), ""),
        (_("Revenue impact"), impact.get("revenue_impact"), f" {impact.get('revenue_currency')}"),
        (_("Error budget consumed"), impact.get("error_budget_percent"), " %"),
    ]
    lines = [f"- {label}: {value}{suffix}" for label, value, suffix in figures if value is not None]
    if impact.get("notes"):
        lines.append(f"- {_('Notes')}: {impact['notes']}")
    return [f"### {_('Impact in numbers')}", "", *lines, ""] if lines else []


def analysis_lines(data: dict[str, Any]) -> list[str]:
    """The 5-whys chains and the contributing factors, grouped by category."""
    lines: list[str] = []
    for chain in data.get("why_chains") or []:
        lines += [f"### {_('5 whys')}: {chain['problem']}", ""]
        lines += [f"{n}. {_('Why?')} {why}" for n, why in enumerate(chain["whys"], start=1)]
        lines.append("")
    factors = data.get("contributing_factors") or []
    if factors:
        lines += [f"### {_('Contributing factors')}", ""]
        groups: dict[str, list[str]] = {}
        for factor in factors:
            groups.setdefault(factor["category"] or _("Other"), []).append(factor["description"])
        for category, descriptions in groups.items():
            lines += [f"- **{category}**", *(f"  - {d}" for d in descriptions)]
        lines.append("")
    return lines


def snapshot_to_markdown(data: dict[str, Any]) -> str:
    """Markdown of a postmortem, with its labels in the postmortem's own language."""
    shown = [part for part in parts.snapshot_parts() if part.markdown is not None]
    in_section: dict[str, list[parts.SnapshotPart]] = {}
    for part in shown:
        if part.section_kind is not None:
            in_section.setdefault(part.section_kind, []).append(part)
    after_sections = [part for part in shown if part.section_kind is None]
    with translation.override(data.get("language") or "en"):
        lines = [f"# {data['title']}", ""]
        lines.append(f"- {_('Team')}: {data['team']}")
        lines.append(f"- {_('Owner')}: {data['owner']}")
        lines.append(f"- {_('Status')}: {choice_label(Status, data['status'])}")
        for incident in data["incidents"]:
            lines.append(
                f"- {_('Incident')} #{incident['id']}: {incident['title']} ({incident['severity']})"
            )
            for name, value in incident["figures"].items():
                lines.append(f"  - {FIGURE_LABELS.get(name, name)}: {value}")
        lines.append("")
        key_mark = f" ({_('key event')})"
        keys = {section["key"] for section in data["sections"]}
        if not keys & set(IMPACT_KEYS):
            lines += impact_lines(data.get("impact"))
        for section in data["sections"]:
            lines += [f"## {section['title']}", ""]
            if section["kind"] == SectionKind.TIMELINE:
                lines += [
                    f"- {e['occurred_at']} — {e['text']}{key_mark if e['is_key_event'] else ''}"
                    + (f" <{e['link_url']}>" if e.get("link_url") else "")
                    for e in data["timeline"]
                ]
            for part in in_section.get(section["kind"], []):
                lines += part.markdown(data.get(part.key, part.empty))  # type: ignore[misc]
            if section["body"].strip():
                if section["kind"] in (SectionKind.TIMELINE, SectionKind.ACTION_ITEMS):
                    lines.append("")
                lines.append(section["body"].strip())
            lines.append("")
            if section["key"] in IMPACT_KEYS:
                lines += impact_lines(data.get("impact"))
            if section["key"] == next((k for k in ROOT_CAUSE_KEYS if k in keys), None):
                lines += analysis_lines(data)
        if not keys & set(ROOT_CAUSE_KEYS):
            lines += analysis_lines(data)
        for part in after_sections:
            lines += part.markdown(data.get(part.key, part.empty))  # type: ignore[misc]
    return "\n".join(lines).rstrip() + "\n"
