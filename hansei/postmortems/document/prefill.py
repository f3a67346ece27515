"""What a new draft already knows, written into its sections from the incident."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hansei.core.dates import format_duration
from hansei.incidents.models import Incident
from hansei.postmortems.template_library.models import SectionKind

SUMMARY_KEYS = {"summary", "gaiyou"}
IMPACT_KEYS = {"impact", "eikyou"}

AFFECTED_SERVICES = gettext_noop("Affected services: %s")
DOWNTIME = gettext_noop("User-visible downtime: %s minutes")
IMPACT_DURATION = gettext_noop("Impact duration: %s")
DATA_LOST = gettext_noop("Data was lost.")
BILLING = gettext_noop("Money or billing was affected.")


def _impact_lines(incident: Incident) -> list[str]:
    lines = []
    services = ", ".join(s.name for s in incident.services.all())
    if services:
        lines.append(_(AFFECTED_SERVICES) % services)
    if incident.downtime_minutes is not None:
        lines.append(_(DOWNTIME) % incident.downtime_minutes)
    if incident.impact_duration is not None:
        lines.append(_(IMPACT_DURATION) % format_duration(incident.impact_duration))
    if incident.data_loss:
        lines.append(_(DATA_LOST))
    if incident.billing_impact:
        lines.append(_(BILLING))
    return [f"- {line}" for line in lines]


@cache
def prefilled_line() -> re.Pattern[str]:
    """A line of the impact section as ``prefilled_body`` writes it, in any language: the
    search index leaves these out (they are in every postmortem, and the figures are
    structured data)."""
    formats = (AFFECTED_SERVICES, DOWNTIME, IMPACT_DURATION, DATA_LOST, BILLING)
    choices = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for text in formats:
                choices.add(".*".join(re.escape(part) for part in _(text).split("%s")))
    return re.compile(r"^\s*[-*]?\s*(?:" + "|".join(sorted(choices)) + r")\s*$")


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
