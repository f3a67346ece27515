"""Outside systems that send incidents in: where they post, how they are trusted and mapped,
which outside incident became which Hansei incident, and a log of every delivery. And the
routes announcements go out by: chat channels and outgoing webhooks."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    EmailValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
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


# --- announcements going out: chat channels and outgoing webhooks ---------------------------


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    MATTERMOST = "mattermost", "Mattermost"
    GOOGLE_CHAT = "google_chat", "Google Chat"
    DISCORD = "discord", "Discord"
    WEBHOOK = "webhook", _("Webhook (Hansei's own JSON, signed)")
    MAILING_LIST = "mailing_list", _("E-mail to a distribution list")


class ChatEvent(models.TextChoices):
    PUBLISHED = "published", _("Published")
    AMENDED = "amended", _("Amended")
    SUBMITTED = "submitted", _("Submitted for review")
    DIGEST = "digest", _("Weekly digest (Monday mornings)")


def default_chat_events() -> list[str]:
    return [ChatEvent.PUBLISHED.value, ChatEvent.AMENDED.value]


# Slack's channel ids: C… for public channels, G… for older private ones.
SLACK_CHANNEL_ID = RegexValidator(
    r"^[CG][A-Z0-9]{8,20}\Z",
    _("Enter a Slack channel id such as C0123ABCD (channel details, at the bottom)."),
)
LIST_ADDRESS = EmailValidator(_("Enter the distribution list's e-mail address."))
WEBHOOK_URL = URLValidator(
    schemes=["http", "https"], message=_("Enter the incoming-webhook URL (http:// or https://).")
)


class ChatRoute(models.Model):
    """Where announcements of postmortems go: a chat channel or a webhook receiver. A route
    with a team hears of that team's postmortems; without one, of every team's. A restricted
    postmortem is never announced to any route (a channel may hold people outside its team).

    The delivery status is kept on the row: when it last took a message, and the last
    failure with its reason (a failure after the last delivery means it is failing now)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ChatKind.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_routes",
        verbose_name=_("team"),
        help_text=_("Empty: the postmortems of every team."),
    )
    target = models.CharField(
        _("target"),
        max_length=500,
        help_text=_(
            "Slack: the channel id (C0123ABCD). E-mail: the list's address. Other kinds: the "
            "incoming-webhook URL, which is a secret (anyone holding it can post)."
        ),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        blank=True,
        default=new_secret,
        help_text=_(
            "Webhook: the key of the X-Hansei-Signature HMAC (required). Slack: a bot token "
            "(xoxb-…) for a channel of another workspace, else the app's token is used. "
            "Unused by the other kinds."
        ),
    )
    events = models.JSONField(_("events"), default=default_chat_events)
    max_severity = models.PositiveSmallIntegerField(
        _("most severe level only"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Announce only when one of the postmortem's incidents has this severity level or a "
            "more severe one (1 = SEV1 only, 2 = SEV1 and SEV2). Empty: all."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_delivered_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chat or webhook route")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        target = self.target.strip()
        validators: dict[str, Any] = {
            ChatKind.SLACK: SLACK_CHANNEL_ID,
            ChatKind.MAILING_LIST: LIST_ADDRESS,
        }
        validator = validators.get(self.kind, WEBHOOK_URL)
        try:
            validator(target)
        except ValidationError as exc:
            errors["target"] = exc.messages
        self.target = target
        unknown = [e for e in self.events or [] if e not in ChatEvent.values]
        if not isinstance(self.events, list) or unknown or not self.events:
            errors["events"] = [_("Choose at least one of: published, amended, submitted, digest.")]
        elif ChatEvent.SUBMITTED in self.events and self.team_id is None:
            errors["events"] = [
                _(
                    "A postmortem in review is read only by its team: choose a team to announce "
                    "submissions to."
                )
            ]
        if self.kind == ChatKind.WEBHOOK and not self.secret.strip():
            errors["secret"] = [_("A webhook needs a secret to sign its deliveries with.")]
        if errors:
            raise ValidationError(errors)

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])

    @property
    def transport_secret(self) -> str:
        """What the transport is given as ``secret``: a webhook's signing key; a Slack route's
        own bot token if it has one (else the app's is used); nothing for the other chats."""
        if self.kind == ChatKind.WEBHOOK:
            return self.secret
        if self.kind == ChatKind.SLACK and self.secret.startswith("xoxb-"):
            return self.secret
        return ""

    @property
    def is_failing(self) -> bool:
        """The last attempt failed (a failure since the last delivery, or never delivered)."""
        if self.last_error_at is None:
            return False
        return self.last_delivered_at is None or self.last_error_at > self.last_delivered_at


# The issue trackers' tables live with their code; imported here so Django finds them.
from hansei.integrations.trackers.models import (  # noqa: E402, F401
    TrackerConfig,
    TrackerEvent,
    TrackerLink,
)
