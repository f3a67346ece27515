"""Outside systems that send incidents in: where they post, how they are trusted and mapped,
which outside incident became which Hansei incident, and a log of every delivery."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.incidents.models import Incident, Severity


class Kind(models.TextChoices):
    PAGERDUTY = "pagerduty", "PagerDuty"
    OPSGENIE = "opsgenie", "Opsgenie"
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana"


class OwnerRule(models.TextChoices):
    COMMANDER = "commander", _("The incident commander")
    FIRST_ACKNOWLEDGER = "first_acknowledger", _("Whoever acknowledged it first")
    TEAM_LEAD = "team_lead", _("The team lead")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Integration(models.Model):
    """One sending tool's configuration. Its URL is /hooks/<kind>/<token>/; ``secret`` checks
    the sender (PagerDuty's HMAC signature, or a bearer token for the others)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    token = models.SlugField(_("URL token"), max_length=64, unique=True, default=new_secret)
    secret = models.CharField(_("secret"), max_length=200, default=new_secret)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="integrations")
    default_severity = models.ForeignKey(
        Severity, on_delete=models.PROTECT, related_name="+", verbose_name=_("default severity")
    )
    # {"outside severity or priority": severity level}, e.g. {"P1": 1, "critical": 1}
    severity_mapping = models.JSONField(_("severity mapping"), default=dict, blank=True)
    # {"outside service name or id": "hansei-service-slug"}
    service_mapping = models.JSONField(_("service mapping"), default=dict, blank=True)
    owner_rule = models.CharField(
        _("postmortem owner"),
        max_length=20,
        choices=OwnerRule.choices,
        default=OwnerRule.COMMANDER,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ExternalIncident(models.Model):
    """Which outside incident or alert group became which Hansei incident."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="links")
    external_id = models.CharField(max_length=300)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="external_links")
    url = models.URLField(max_length=500, blank=True)
    last_status = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "external_id"], name="unique_external_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.integration.kind}:{self.external_id} -> {self.incident_id}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Duplicate (already processed)")
    IGNORED = "ignored", _("Ignored (event type not used)")
    REJECTED = "rejected", _("Rejected")


class Delivery(models.Model):
    """Every request to an intake endpoint, kept so an admin can see what came in and why
    something was refused."""

    integration = models.ForeignKey(
        Integration, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=500, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    # What makes a delivery the same delivery twice (an event id, else a hash of the body).
    event_key = models.CharField(max_length=200, blank=True, db_index=True)
    external_id = models.CharField(max_length=300, blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    body_excerpt = models.TextField(blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.received_at:%Y-%m-%d %H:%M:%S}"
