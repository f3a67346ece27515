"""Reading the audit log: the filters the page, the API and the export share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.core.dates import EARLIEST, LATEST
from hansei.core.models import AuditEvent

# Every action services record, in the order the filter lists them.
ACTIONS = {
    "auth.signed_in": _("Signed in"),
    "auth.signed_out": _("Signed out"),
    "auth.sign_in_failed": _("Failed sign-in"),
    "auth.locked_out": _("Locked out"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "user.created": _("Person added"),
    "user.changed": _("Person changed"),
    "user.role_changed": _("Role changed"),
    "user.teams_changed": _("Teams changed"),
    "user.password_changed": _("Password set"),
    "user.password_reset_requested": _("Password reset link sent"),
    "user.invited": _("Person invited"),
    "user.invitation_revoked": _("Invitation revoked"),
    "user.invitation_accepted": _("Invitation accepted"),
    "user.identity_linked": _("Single sign-on identity linked"),
    "user.identity_unlinked": _("Single sign-on identity unlinked"),
    "team.created": _("Team created"),
    "team.changed": _("Team changed"),
    "team.members_changed": _("Team members changed"),
    "team.deleted": _("Team deleted"),
    "policy.changed": _("Policy changed"),
    "severity.changed": _("Severity changed"),
    "template.created": _("Template created"),
    "template.changed": _("Template changed"),
    "integration.created": _("Integration created"),
    "integration.changed": _("Integration changed"),
    "integration.deleted": _("Integration deleted"),
    "integration.rotated": _("Integration address and secret replaced"),
    "integration.tested": _("Integration tested (dry run)"),
    "integration.test_sent": _("Integration test event sent"),
    "chat_route.tested": _("Chat channel tested"),
    "feed_token.reset": _("Feed address replaced"),
    "feed_token.revoked": _("Feed address revoked"),
    "tracker.created": _("Tracker set up"),
    "tracker.changed": _("Tracker changed"),
    "service.created": _("Service created"),
    "service.changed": _("Service changed"),
    "service.deleted": _("Service deleted"),
    "award.window_changed": _("Award voting window changed"),
    "postmortem.published": _("Postmortem published"),
    "postmortem.amendment_started": _("Amendment started"),
    "postmortem.restriction_changed": _("Restriction changed"),
    "postmortem.exported": _("Postmortem exported"),
    "customer_report.started": _("Customer version started"),
    "customer_report.submitted": _("Customer version sent for approval"),
    "customer_report.approved": _("Customer version approved"),
    "customer_report.returned": _("Customer version sent back"),
    "customer_report.published": _("Customer version published"),
    "customer_report.link_created": _("Public address made"),
    "customer_report.link_revoked": _("Public address revoked"),
    "audit.exported": _("Audit log exported"),
}
GROUPS = {
    "auth": _("Sign-ins"),
    "token": _("API tokens"),
    "user": _("People"),
    "team": _("Teams"),
    "policy": _("Policy"),
    "severity": _("Severities"),
    "template": _("Templates"),
    "integration": _("Integrations"),
    "tracker": _("Trackers"),
    "service": _("Services"),
    "postmortem": _("Postmortems"),
    "customer_report": _("Customer versions"),
    "admin": _("Other administration"),
    "audit": _("Audit log"),
}


def action_label(action: str) -> str:
    """How the page names an action (other admin changes: "admin.<model>.<verb>")."""
    return str(ACTIONS.get(action, action))


@dataclass
class AuditFilter:
    action: str = ""  # an action ("user.role_changed") or a group ("user")
    actor: str = ""  # a user name, as recorded at the time
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    text: str = ""  # in the target's name or the detail

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if "." in self.action:
            events = events.filter(action=self.action)
        elif self.action:
            events = events.filter(action__startswith=f"{self.action}.")
        if self.actor:
            events = events.filter(actor_name__iexact=self.actor.strip())
        if self.target_type:
            events = events.filter(target_type=self.target_type)
        if self.target_id:
            events = events.filter(target_id=self.target_id)
        zone = timezone.get_current_timezone()
        # Days before or after any time kept (EARLIEST, LATEST) bound nothing: and their
        # midnight may not be a time at all (9999-12-31 has no next day).
        if self.since and self.since > EARLIEST.date():
            events = events.filter(at__gte=datetime.combine(self.since, time.min, tzinfo=zone))
        if self.until and self.until < LATEST.date():
            end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=zone)
            events = events.filter(at__lt=end)
        if self.text:
            words = self.text.strip()
            events = events.filter(Q(target_name__icontains=words) | Q(detail__icontains=words))
        return events


def events_matching(found: AuditFilter) -> QuerySet[AuditEvent]:
    return found.apply(AuditEvent.objects.all()).order_by("-at", "-id")


def as_record(event: AuditEvent) -> dict[str, Any]:
    """One entry as plain data: what the API answers and each line of the export."""
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "action": event.action,
        "actor": event.actor_name or None,
        "actor_id": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_name": event.target_name,
        "changes": event.changes,
        "detail": event.detail,
        "via": event.via,
        "ip": event.ip,
        "user_agent": event.user_agent,
    }


def json_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The entries oldest first, one JSON object per line (what a SIEM ingests)."""
    for event in events.order_by("at", "id").iterator(chunk_size=500):
        yield json.dumps(as_record(event), ensure_ascii=False, separators=(",", ":")) + "\n"
