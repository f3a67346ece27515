from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Severity(models.Model):
    """A severity level. Level 1 is the worst; names are configurable (SEV1, P1, Critical...)."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    requires_postmortem = models.BooleanField(_("always requires a postmortem"), default=False)
    due_days = models.PositiveSmallIntegerField(_("postmortem due in (days)"), default=5)
    due_in_business_days = models.BooleanField(_("count business days only"), default=True)

    class Meta:
        ordering = ["level"]
        verbose_name_plural = _("severities")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DetectionMethod(models.TextChoices):
    ALERT = "alert", _("An alert")
    PERSON = "person", _("A person noticed")
    CUSTOMER = "customer", _("A customer reported it")


class Intervention(models.TextChoices):
    NONE = "", _("None")
    ROLLBACK = "rollback", _("Rollback")
    MANUAL_FIX = "manual_fix", _("Manual fix")
    TRAFFIC_SHIFT = "traffic_shift", _("Traffic shift / failover")
    OTHER = "other", _("Other on-call intervention")


# Milestones in the only order they may happen; ``started_at`` is always required.
MILESTONES: tuple[tuple[str, StrOrPromise], ...] = (
    ("started_at", _("Started")),
    ("detected_at", _("Detected")),
    ("acknowledged_at", _("Acknowledged")),
    ("mitigated_at", _("Mitigated")),
    ("resolved_at", _("Resolved")),
)


class IncidentQuerySet(models.QuerySet["Incident"]):
    def without_postmortem(self) -> IncidentQuerySet:
        return self.filter(postmortem__isnull=True)


class Incident(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=20_000)
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, related_name="incidents")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="incidents")
    services = models.ManyToManyField(Service, blank=True, related_name="incidents")
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commanded_incidents",
        verbose_name=_("incident commander"),
    )
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="responded_incidents"
    )

    started_at = models.DateTimeField(_("started"))
    detected_at = models.DateTimeField(_("detected"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    mitigated_at = models.DateTimeField(_("mitigated"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    detection_method = models.CharField(
        _("how it was detected"),
        max_length=16,
        choices=DetectionMethod.choices,
        default=DetectionMethod.ALERT,
    )
    downtime_minutes = models.PositiveIntegerField(
        _("user-visible downtime (minutes)"), null=True, blank=True
    )
    data_loss = models.BooleanField(_("data was lost"), default=False)
    intervention = models.CharField(
        _("on-call intervention"), max_length=16, choices=Intervention.choices, blank=True
    )
    monitoring_failure = models.BooleanField(_("monitoring failed to catch it"), default=False)
    billing_impact = models.BooleanField(_("money or billing impact"), default=False)
    stakeholder_request = models.BooleanField(
        _("a stakeholder asked for a postmortem"), default=False
    )

    first_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first acknowledged by"),
    )
    postmortem_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    postmortem_request_reason = models.CharField(max_length=500, blank=True)
    postmortem = models.ForeignKey(
        "postmortems.Postmortem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(detected_at__isnull=True) | Q(detected_at__gte=models.F("started_at")),
                name="incident_detected_after_start",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="incident_resolved_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def status(self) -> str:
        if self.resolved_at:
            return "resolved"
        if self.mitigated_at:
            return "mitigated"
        return "active"

    @property
    def status_label(self) -> str:
        labels = {"resolved": _("Resolved"), "mitigated": _("Mitigated"), "active": _("Active")}
        return str(labels[self.status])

    def milestones(self) -> list[tuple[str, str, datetime | None]]:
        return [(field, str(label), getattr(self, field)) for field, label in MILESTONES]

    def _between(self, start: str, end: str) -> timedelta | None:
        a, b = getattr(self, start), getattr(self, end)
        return b - a if a and b else None

    @property
    def time_to_detect(self) -> timedelta | None:
        return self._between("started_at", "detected_at")

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return self._between("detected_at", "acknowledged_at")

    @property
    def time_to_mitigate(self) -> timedelta | None:
        return self._between("started_at", "mitigated_at")

    @property
    def time_to_resolve(self) -> timedelta | None:
        return self._between("started_at", "resolved_at")

    @property
    def impact_duration(self) -> timedelta | None:
        """User-visible impact: the recorded downtime, else start until mitigation."""
        if self.downtime_minutes is not None:
            return timedelta(minutes=self.downtime_minutes)
        return self._between("started_at", "mitigated_at") or self.time_to_resolve


class PostmortemPolicy(models.Model):
    """The organisation's process rules: one row, edited by admins, shown to everyone."""

    downtime_minutes_threshold = models.PositiveIntegerField(
        _("user-visible downtime of at least (minutes)"), default=5
    )
    on_data_loss = models.BooleanField(_("any data loss"), default=True)
    on_intervention = models.BooleanField(
        _("on-call intervention (rollback, manual fix...)"), default=True
    )
    on_monitoring_failure = models.BooleanField(
        _("monitoring failure (found by a person or a customer, not an alert)"), default=True
    )
    resolve_minutes_threshold = models.PositiveIntegerField(
        _("time to resolve of at least (minutes)"), default=60
    )
    on_billing_impact = models.BooleanField(_("money or billing impact"), default=True)
    on_stakeholder_request = models.BooleanField(_("a stakeholder's request"), default=True)

    default_due_days = models.PositiveSmallIntegerField(
        _("due in (business days) when the severity sets no deadline"), default=5
    )
    required_approvals = models.PositiveSmallIntegerField(
        _("approvals needed to publish"), default=1
    )
    # Default deadlines of action items by priority, in calendar days (Atlassian's practice:
    # priority actions in four to eight weeks).
    action_due_days_p0 = models.PositiveSmallIntegerField(
        _("P0 action items due in (days)"), default=7, validators=[MaxValueValidator(365)]
    )
    action_due_days_p1 = models.PositiveSmallIntegerField(
        _("P1 action items due in (days)"), default=28, validators=[MaxValueValidator(365)]
    )
    action_due_days_p2 = models.PositiveSmallIntegerField(
        _("P2 action items due in (days)"), default=56, validators=[MaxValueValidator(365)]
    )
    action_due_days_p3 = models.PositiveSmallIntegerField(
        _("P3 action items due in (days)"), default=91, validators=[MaxValueValidator(365)]
    )
    read_tracking = models.BooleanField(
        _("record who has read each published postmortem"),
        default=True,
        help_text=_("Writers see, per team, how many have read it; the archive marks unread ones."),
    )
    announcement_recipients = models.TextField(
        _("announcement recipients"),
        blank=True,
        help_text=_("Email addresses that receive every publication, one per line or comma."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = _("postmortem policy")

    def __str__(self) -> str:
        return "Postmortem policy"

    @classmethod
    def current(cls) -> PostmortemPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    def action_due_date(self, priority: str, today: date) -> date | None:
        """The default deadline of a new action item of ``priority`` (None: no default)."""
        days = getattr(self, f"action_due_days_{priority.lower()}", None)
        return today + timedelta(days=days) if isinstance(days, int) and days > 0 else None

    def recipients(self) -> list[str]:
        raw = self.announcement_recipients.replace(",", "\n")
        listed = [line.strip() for line in raw.splitlines() if line.strip()]
        return listed or list(settings.HANSEI_ANNOUNCE_TO)


class IncidentEventKind(models.TextChoices):
    CREATED = "created", _("Recorded")
    MILESTONE = "milestone", _("Milestone")
    SEVERITY = "severity", _("Severity changed")
    STATUS = "status", _("Status changed")
    OWNER = "owner", _("Commander changed")
    RESPONDER = "responder", _("Responder")
    ALERT = "alert", _("Alert")
    NOTE = "note", _("Note")


class IncidentEvent(models.Model):
    """Something that happened to an incident, recorded automatically (by a page, the API or an
    intake webhook). A postmortem's timeline starts from these."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=IncidentEventKind.choices)
    text = models.CharField(max_length=2000)
    # Where it came from: "hansei" or an integration kind ("pagerduty"...).
    source = models.CharField(max_length=30, default="hansei")
    # Makes recording idempotent: the same key is never recorded twice for an incident.
    key = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"],
                condition=~Q(key=""),
                name="unique_incident_event_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text[:40]}"
