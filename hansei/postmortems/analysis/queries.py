"""Read-only questions about the analysis: impact figures, a suggested duration, the
root-cause section, the incidents a postmortem may cover."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.incidents.models import Incident
from hansei.postmortems.analysis.models import (
    PostmortemImpact,
    WhyChain,
)
from hansei.postmortems.document.models import Postmortem, Section

# Where a 5-whys chain is copied: the first of these sections the postmortem has.
ROOT_CAUSE_KEYS = ("root_causes", "genin")


def impact_figures(impact: PostmortemImpact | None) -> list[dict[str, Any]]:
    """The figure tiles: label, shown value (None when unknown) and unit or formula."""
    i = impact or PostmortemImpact()
    percent = "{:f}".format

    def shown(value: Any, fmt: Any) -> str | None:
        return None if value is None else fmt(value)

    return [
        {
            "key": "affected",
            "label": _("Affected"),
            "value": shown(i.affected_count, "{:,}".format),
            "hint": i.get_affected_unit_display() if impact else _("users or accounts"),
        },
        {
            "key": "requests_failed",
            "label": _("Requests failed"),
            "value": shown(i.requests_failed_percent, lambda v: f"{percent(v.normalize())} %"),
            "hint": _("failed ÷ all requests"),
        },
        {
            "key": "user_visible",
            "label": _("User-visible impact"),
            "value": shown(i.user_visible_minutes, lambda v: _("%(n)s min") % {"n": v}),
            "hint": _("minutes"),
        },
        {
            "key": "tickets",
            "label": _("Support tickets"),
            "value": shown(i.support_tickets, "{:,}".format),
            "hint": _("tickets opened"),
        },
        {
            "key": "revenue",
            "label": _("Revenue impact"),
            "value": shown(i.revenue_impact, "{:,.2f}".format),
            "hint": i.revenue_currency or _("currency"),
        },
        {
            "key": "error_budget",
            "label": _("Error budget"),
            "value": shown(i.error_budget_percent, lambda v: f"{percent(v.normalize())} %"),
            "hint": _("of the period's budget"),
        },
    ]


def suggested_user_visible_minutes(postmortem: Postmortem) -> int | None:
    """The linked incidents' impact time (recorded downtime, else started → mitigated)."""
    durations = [i.impact_duration for i in postmortem.incidents.all()]
    known = [d for d in durations if d is not None]
    if not known:
        return None
    return round(sum(d.total_seconds() for d in known) / 60)


def why_chain_markdown(chain: WhyChain) -> str:
    lines = [_("**5 whys:** %(problem)s") % {"problem": chain.problem}, ""]
    for number, answer in enumerate(chain.whys, start=1):
        lines.append(_("%(n)s. Why? %(answer)s") % {"n": number, "answer": answer})
    return "\n".join(lines)


def root_cause_section(postmortem: Postmortem) -> Section | None:
    sections = {s.key: s for s in postmortem.sections.filter(key__in=ROOT_CAUSE_KEYS)}
    return next((sections[k] for k in ROOT_CAUSE_KEYS if k in sections), None)


def linkable_incidents(actor: User, postmortem: Postmortem) -> Any:
    """Incidents ``actor`` may link: visible, manageable, same team, without a postmortem."""
    if not access.can_write_for_team(actor, postmortem.team_id):
        return Incident.objects.none()
    return (
        access.incidents_visible_to(actor)
        .filter(team_id=postmortem.team_id, postmortem__isnull=True)
        .select_related("severity")
        .order_by("-started_at")
    )
