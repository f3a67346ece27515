"""Is a postmortem required for this incident? An explicit rule set, shown to everyone.

Defaults follow the SRE book (ch. 15) and PagerDuty's postmortem guide. Each rule that fires
is returned as a ``Reason`` so the incident page can show exactly why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _

from hansei.incidents.models import DetectionMethod, Incident, PostmortemPolicy


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class Requirement:
    required: bool
    reasons: list[Reason] = field(default_factory=list)
    requested: bool = False

    @property
    def needed(self) -> bool:
        """A postmortem is needed when the policy requires it or someone asked for one."""
        return self.required or self.requested


def policy_reasons(incident: Incident, policy: PostmortemPolicy) -> list[Reason]:
    reasons: list[Reason] = []
    severity = incident.severity
    if severity.requires_postmortem:
        reasons.append(
            Reason("severity", _("Severity %(name)s always requires one") % {"name": severity})
        )
    downtime = incident.downtime_minutes
    threshold = policy.downtime_minutes_threshold
    if downtime is not None and downtime >= threshold:
        reasons.append(
            Reason(
                "downtime",
                _("User-visible downtime of %(minutes)s min (threshold %(threshold)s min)")
                % {"minutes": downtime, "threshold": threshold},
            )
        )
    if policy.on_data_loss and incident.data_loss:
        reasons.append(Reason("data_loss", _("Data was lost")))
    if policy.on_intervention and incident.intervention:
        reasons.append(
            Reason(
                "intervention",
                _("On-call intervention: %(kind)s") % {"kind": incident.get_intervention_display()},
            )
        )
    found_by_people = incident.detection_method != DetectionMethod.ALERT
    if policy.on_monitoring_failure and (incident.monitoring_failure or found_by_people):
        reasons.append(
            Reason(
                "monitoring_failure",
                _("Monitoring failed: detected by %(how)s")
                % {"how": incident.get_detection_method_display().lower()}
                if found_by_people
                else _("Monitoring failed to catch it"),
            )
        )
    ttr = incident.time_to_resolve
    resolve_threshold = timedelta(minutes=policy.resolve_minutes_threshold)
    if ttr is not None and ttr >= resolve_threshold:
        reasons.append(
            Reason(
                "time_to_resolve",
                _("Took %(minutes)s min to resolve (threshold %(threshold)s min)")
                % {
                    "minutes": int(ttr.total_seconds() // 60),
                    "threshold": policy.resolve_minutes_threshold,
                },
            )
        )
    if policy.on_billing_impact and incident.billing_impact:
        reasons.append(Reason("billing_impact", _("Money or billing was affected")))
    if policy.on_stakeholder_request and incident.stakeholder_request:
        reasons.append(Reason("stakeholder_request", _("A stakeholder asked for a postmortem")))
    return reasons


def postmortem_requirement(
    incident: Incident, policy: PostmortemPolicy | None = None
) -> Requirement:
    reasons = policy_reasons(incident, policy or PostmortemPolicy.current())
    return Requirement(
        required=bool(reasons),
        reasons=reasons,
        requested=incident.postmortem_requested_by_id is not None,
    )


def postmortem_is_required(incident: Incident) -> bool:
    return postmortem_requirement(incident).required
