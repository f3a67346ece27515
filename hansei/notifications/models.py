"""What people are told, how they want to hear it, and what they follow.

The in-app inbox is ``Notification``; every other channel (e-mail, chat, webhooks) is a job in
the durable queue (``hansei.core.models.Job``) with an idempotency key, so a message waits
through an outage and is never queued twice for the same person and channel."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentions of you")
    COMMENT = "comment", _("Replies in your threads")
    REVIEW_REQUESTED = "review_requested", _("Reviews asked of you")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested on yours")
    APPROVED = "approved", _("Approvals of yours")
    ASSIGNED = "assigned", _("Postmortems given to you")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published and amended")
    POSTMORTEM_DUE = "postmortem_due", _("Postmortems due soon or overdue")
    REVIEW_WAITING = "review_waiting", _("Reviews still waiting")
    ACTION_ITEM_ASSIGNED = "action_item_assigned", _("Action items given to you")
    ACTION_ITEM_DUE = "action_item_due", _("Action items due soon or overdue")
    ACTION_ITEM_CLOSED = "action_item_closed", _("Action items closed")
    NEEDS_POSTMORTEM = "needs_postmortem", _("Incidents that need a postmortem")
    REVIEW_MEETING = "review_meeting", _("Review meetings")
    READ_REQUESTED = "read_requested", _("Postmortems your team is asked to read")
    AWARD = "award", _("Postmortem of the month")
    KUDOS = "kudos", _("Kudos")
    SURVEY = "survey", _("Process feedback")
    READING = "reading", _("Reading club")
    DRILL = "drill", _("Wheel of Misfortune")


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Slack")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something for one person to look at. ``postmortem`` lets the inbox re-check that the
    recipient may still read what the notification points at before showing it. ``key``
    names the message and its recipient: the same one is never put in an inbox twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # About one action item: its owner sees it even without reading the postmortem.
    action_item = models.ForeignKey(
        "action_items.ActionItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=300)
    reason = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """A person's choice for one kind of message on one channel; without a row, the kind's
    default holds (``hansei.notifications.kinds``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.enabled}"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def of(self, user_id: int) -> SubscriptionQuerySet:
        return self.filter(user_id=user_id).select_related(
            "postmortem", "team", "service", "severity"
        )


class Subscription(models.Model):
    """A person follows one thing: a postmortem, a team, a service or a severity. Followers
    hear when a matching postmortem is submitted, published or amended (if they may read it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "incidents.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    severity = models.ForeignKey(
        "incidents.Severity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    TARGETS = ("postmortem", "team", "service", "severity")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="subscription_follows_one_thing",
                condition=(
                    Q(postmortem__isnull=False, team=None, service=None, severity=None)
                    | Q(postmortem=None, team__isnull=False, service=None, severity=None)
                    | Q(postmortem=None, team=None, service__isnull=False, severity=None)
                    | Q(postmortem=None, team=None, service=None, severity__isnull=False)
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"follow_{target}_once",
                )
                for target in ("postmortem", "team", "service", "severity")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target_kind} {self.target}"

    @property
    def target_kind(self) -> str:
        return next(name for name in self.TARGETS if getattr(self, f"{name}_id"))

    @property
    def target(self) -> models.Model:
        target: models.Model = getattr(self, self.target_kind)
        return target


class Frequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Every working day")
    WEEKLY = "weekly", _("Every Monday")


class DigestChoice(models.Model):
    """How often a person gets the digest of what needs them; without a row, weekly."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_choice"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"


class WorkingHours(models.Model):
    """When reminders and digests may reach a person (their quiet hours are the rest), in their
    own time zone, Monday to Friday; without a row, the site's working day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    start_hour = models.PositiveSmallIntegerField(validators=[MaxValueValidator(23)])
    end_hour = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="working_hours_start_before_end",
                condition=Q(start_hour__lt=models.F("end_hour")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.start_hour}-{self.end_hour}"


class FeedToken(models.Model):
    """A person's private address of the Atom feed of published postmortems: it reads, as
    that person, what they may read (their restricted ones included), so only its SHA-256
    is stored and the address is shown once; resetting it revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed of {self.user}"


class ReadRequest(models.Model):
    """A lead asks their team to read a published postmortem: its members who have not read
    it are told at once, and reminded once, a few business days later, if they still have
    not (``reminders``)."""

    postmortem = models.ForeignKey(
        "postmortems.Postmortem", on_delete=models.CASCADE, related_name="read_requests"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "team"], name="one_read_request_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.team} asked to read {self.postmortem}"
