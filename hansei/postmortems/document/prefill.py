"""What a new draft already knows, written into its sections from the incident."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from hansei.core.dates import format_duration
from hansei.incidents.models import Incident
from hansei.postmortems.template_library.models import SectionKind

SUMMARY_KEYS = {"summary", "gaiyou"}
IMPACT_KEYS = {"impact", "eikyou"}


def _impact_lines(incident: Incident) -> list[str]:
    lines = []
    services = ", ".join(s.name for s in incident.services.all())
    if services:
        lines.append(_("Affected services: %s") % services)
    if incident.downtime_minutes is not None:
        lines.append(_("User-visible downtime: %s minutes") % incident.downtime_minutes)
    if incident.impact_duration is not None:
        lines.append(_("Impact duration: %s") % format_duration(incident.impact_duration))
    if incident.data_loss:
        lines.append(_("Data was lost."))
    if incident.billing_impact:
        lines.append(_("Money or billing was affected."))
    return [f"- {line}" for line in lines]


def prefilled_body(key: str, kind: str, incident: Incident, language: str) -> str:
    if kind != SectionKind.MARKDOWN:
        return ""
    with translation.override(language):
        if key in SUMMARY_KEYS:
            return incident.summary.strip()
        if key in IMPACT_KEYS:
            return "\n".join(_impact_lines(incident))
        if key == "tantousha":
            people = [incident.commander] if incident.commander else []
            people += [u for u in incident.responders.all() if u not in people]
            return "\n".join(f"- {u.name}" for u in people)
    return ""
