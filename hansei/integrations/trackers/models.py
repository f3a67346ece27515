"""A team's tracker, which issue each action item became, and the log of every sync.

The credentials to the tracker's API are never stored: a configuration names the environment
variable that holds them (``HANSEI_TRACKER_…``), so they stay in the deployment's secrets. The
webhook's signing secret, which the tracker and Hansei share, is kept on the row like the
intake integrations' secrets (Linear generates it; the others are given Hansei's)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.action_items.models import ActionItem, Priority


class TrackerKind(models.TextChoices):
    JIRA_CLOUD = "jira_cloud", "Jira Cloud"
    JIRA_SERVER = "jira_server", "Jira Data Center"
    GITHUB = "github", "GitHub Issues"
    GITLAB = "gitlab", "GitLab Issues"
    LINEAR = "linear", "Linear"


class AutoCreate(models.TextChoices):
    MANUAL = "manual", _("Only when someone clicks “Create issue”")
    ON_CREATE = "on_create", _("As soon as an action item is added")
    ON_PUBLISH = "on_publish", _("When the postmortem is published")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


# Only variables made for this may be named: a configuration cannot read the database URL or
# the secret key and send them to a server of its choosing.
TOKEN_VARIABLE = re.compile(r"^HANSEI_TRACKER_[A-Z0-9_]{1,60}\Z")
BASE_URL = URLValidator(schemes=["http", "https"])


class TrackerConfig(models.Model):
    """One team's tracker: where its action items become issues, and how states map."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="tracker", verbose_name=_("team")
    )
    kind = models.CharField(_("tracker"), max_length=20, choices=TrackerKind.choices)
    base_url = models.CharField(
        _("API address"),
        max_length=300,
        help_text=_("https://api.github.com, https://gitlab.com, https://your-site.atlassian.net…"),
    )
    account = models.CharField(
        _("account e-mail"),
        max_length=254,
        blank=True,
        help_text=_("Jira Cloud only: the e-mail of the account the API token belongs to."),
    )
    token_variable = models.CharField(
        _("token variable"),
        max_length=80,
        help_text=_(
            "The environment variable holding the API token, named HANSEI_TRACKER_…; "
            "the token itself is never stored."
        ),
    )
    project = models.CharField(
        _("project"),
        max_length=200,
        help_text=_(
            "Jira: the project key (OPS). GitHub: owner/repository. GitLab: the project's path "
            "(group/project). Linear: the team key (ENG)."
        ),
    )
    issue_type = models.CharField(
        _("issue type"), max_length=100, blank=True, help_text=_("Jira only (Task, Bug…).")
    )
    # {"P0": "Highest", ...}: a Jira priority name, a GitHub or GitLab label, a Linear number.
    priority_mapping = models.JSONField(_("priority mapping"), default=dict, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    done_states = models.JSONField(_("states meaning done"), default=list, blank=True)
    wont_do_states = models.JSONField(_("states meaning won't do"), default=list, blank=True)
    auto_create = models.CharField(
        _("create issues"), max_length=20, choices=AutoCreate.choices, default=AutoCreate.MANUAL
    )
    webhook_token = models.SlugField(max_length=64, unique=True, default=new_secret)
    webhook_secret = models.CharField(_("webhook secret"), max_length=200, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("tracker")

    def __str__(self) -> str:
        return f"{self.team} → {self.get_kind_display()} {self.project}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self.base_url = self.base_url.strip().rstrip("/")
        try:
            BASE_URL(self.base_url)
        except ValidationError:
            errors["base_url"] = _("Enter the tracker's address (https://…).")
        self.token_variable = self.token_variable.strip()
        if not TOKEN_VARIABLE.match(self.token_variable):
            errors["token_variable"] = _(
                "Name an environment variable that starts with HANSEI_TRACKER_ "
                "(capital letters, digits and _)."
            )
        self.project = self.project.strip()
        if not self.project:
            errors["project"] = _("Say which project the issues go to.")
        if self.kind == TrackerKind.JIRA_CLOUD and not self.account.strip():
            errors["account"] = _("Jira Cloud needs the e-mail of the token's account.")
        if not isinstance(self.priority_mapping, dict) or any(
            key not in Priority.values or not isinstance(value, str | int)
            for key, value in self.priority_mapping.items()
        ):
            errors["priority_mapping"] = _('Expected {"P0": "…", "P1": "…"}.')
        for name in ("labels", "done_states", "wont_do_states"):
            value = getattr(self, name)
            if not isinstance(value, list) or any(
                not isinstance(v, str) or not v.strip() or len(v) > 100 for v in value
            ):
                errors[name] = _("Expected a list of names.")
        if not errors.get("done_states") and not self.done_states:
            errors["done_states"] = _("Name at least one state that means done.")
        if errors:
            raise ValidationError(errors)

    def maps_to(self, state: str) -> str | None:
        """ "done", "wont_do" or None for a tracker state, by the configured names."""
        name = state.strip().lower()
        if name in {s.strip().lower() for s in self.wont_do_states}:
            return "wont_do"
        if name in {s.strip().lower() for s in self.done_states}:
            return "done"
        return None

    def record_error(self, reason: str) -> None:
        self.last_error = reason[:500]
        self.last_error_at = timezone.now()
        self.save(update_fields=["last_error", "last_error_at"])

    def record_success(self) -> None:
        self.last_synced_at = timezone.now()
        self.save(update_fields=["last_synced_at"])

    @property
    def is_failing(self) -> bool:
        if self.last_error_at is None:
            return False
        return self.last_synced_at is None or self.last_error_at > self.last_synced_at


class LinkState(models.TextChoices):
    CREATING = "creating", _("Being created")
    LINKED = "linked", _("Linked")
    FAILED = "failed", _("Could not be created")


class TrackerLink(models.Model):
    """The tracker issue of one action item, and what the tracker last had of it (``synced``:
    title, status and due date as both sides last agreed; the conflict rule reads it)."""

    item = models.OneToOneField(ActionItem, on_delete=models.CASCADE, related_name="tracker_link")
    config = models.ForeignKey(
        TrackerConfig, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    kind = models.CharField(max_length=20, choices=TrackerKind.choices)
    state = models.CharField(max_length=20, choices=LinkState.choices, default=LinkState.CREATING)
    key = models.CharField(max_length=200, blank=True)
    remote_id = models.CharField(max_length=200, blank=True, db_index=True)
    url = models.URLField(max_length=500, blank=True)
    remote_state = models.CharField(_("tracker state"), max_length=100, blank=True)
    synced = models.JSONField(default=dict, blank=True)
    local_changed_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["config", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="one_item_per_tracker_issue",
            )
        ]

    def __str__(self) -> str:
        return self.key or f"{self.kind} (#{self.item_id})"


class Direction(models.TextChoices):
    IN = "in", _("From the tracker")
    OUT = "out", _("To the tracker")


class SyncOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DUPLICATE = "duplicate", _("Duplicate (already processed)")
    IGNORED = "ignored", _("Ignored")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed (will be retried)")
    GAVE_UP = "gave_up", _("Failed (not retried)")


class TrackerEvent(models.Model):
    """The sync log: every webhook from a tracker and every call to one, with its outcome."""

    config = models.ForeignKey(
        TrackerConfig, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    item = models.ForeignKey(
        ActionItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    action = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=SyncOutcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    event_key = models.CharField(max_length=200, blank=True, db_index=True)
    body_excerpt = models.TextField(blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"
