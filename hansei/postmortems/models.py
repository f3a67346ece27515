from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.lint import Vocabulary, VocabularyError

if TYPE_CHECKING:
    pass

MAX_SECTION_CHARS = 100_000


class SectionKind(models.TextChoices):
    MARKDOWN = "markdown", _("Text (Markdown)")
    TIMELINE = "timeline", _("Timeline")
    ACTION_ITEMS = "action_items", _("Action items")
    IMPACT = "impact", _("Impact figures")


class Template(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_default = models.BooleanField(_("default for new postmortems"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateSection(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=150)
    help_text = models.TextField(_("help text"), blank=True, max_length=2000)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SectionKind.choices, default=SectionKind.MARKDOWN
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_template_section_key")
        ]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class PostmortemQuerySet(models.QuerySet["Postmortem"]):
    def published(self) -> PostmortemQuerySet:
        return self.filter(published_at__isnull=False)

    def open(self) -> PostmortemQuerySet:
        return self.exclude(status=Status.PUBLISHED)

    def overdue(self, today: date | None = None) -> PostmortemQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Postmortem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="postmortems")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_postmortems",
        verbose_name=_("owner"),
    )
    template = models.ForeignKey(Template, on_delete=models.SET_NULL, null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the team, its reviewers and admins can read it, even once published."),
    )
    due_date = models.DateField(_("due date"))
    review_round = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    # The title of the latest published revision: what readers outside an amendment see while
    # the draft's title may change (lists, the inbox, the API).
    published_title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_amendment(self) -> bool:
        return self.is_published and self.status != Status.PUBLISHED

    def is_overdue(self, today: date | None = None) -> bool:
        if self.status == Status.PUBLISHED:
            return False
        return self.due_date < (today or timezone.localdate())

    def latest_revision(self) -> Revision | None:
        return self.revisions.order_by("-number").first()


class Section(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=150)
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=SectionKind.choices)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(blank=True, max_length=MAX_SECTION_CHARS)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["postmortem", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "key"], name="unique_section_key")
        ]

    def __str__(self) -> str:
        return self.title


class TimelineKind(models.TextChoices):
    EVENT = "event", _("Event")
    DETECTION = "detection", _("Detection")
    ESCALATION = "escalation", _("Escalation")
    ACTION = "action", _("Action taken")
    COMMUNICATION = "communication", _("Communication")
    MILESTONE = "milestone", _("Milestone")


class TimelineEntry(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(_("time"))
    text = models.TextField(_("what happened"), max_length=2000)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TimelineKind.choices, default=TimelineKind.EVENT
    )
    is_key_event = models.BooleanField(_("key event"), default=False)
    link_url = models.URLField(_("link (graph, log, page)"), max_length=500, blank=True)
    # Where an automatic entry came from ("incident:12:detected_at"), so it is updated in place.
    source = models.CharField(max_length=100, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text[:40]}"


class Revision(models.Model):
    """A frozen, published version. Never changed after it is written."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    change_note = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem} r{self.number}"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


class VersionReason(models.TextChoices):
    CREATED = "created", _("Draft created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    AMENDMENT = "amendment", _("Amendment started")
    RESTORED = "restored", _("Section restored")


class Version(models.Model):
    """An automatic snapshot of the text, taken at every state change and periodically while
    people write. Unlike a Revision it is not published: it is the draft's history."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=VersionReason.choices)
    title = models.CharField(max_length=200)
    # {section key: Markdown body} for every section; no order is implied (PostgreSQL's jsonb
    # does not keep key order).
    sections = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem} v{self.number}"


class ContributingFactorCategory(models.Model):
    """The admin-editable taxonomy of contributing factors (deploy, capacity, dependency...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered for new analyses"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("contributing factor categories")

    def __str__(self) -> str:
        return self.name


class ContributingFactor(models.Model):
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="contributing_factors"
    )
    category = models.ForeignKey(
        ContributingFactorCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factors",
        verbose_name=_("category"),
    )
    description = models.TextField(_("description"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["postmortem", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class ImpactUnit(models.TextChoices):
    USERS = "users", _("users")
    ACCOUNTS = "accounts", _("accounts")


class PostmortemImpact(models.Model):
    """The impact in numbers; every figure is optional."""

    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, primary_key=True, related_name="impact"
    )
    affected_count = models.PositiveBigIntegerField(_("affected"), null=True, blank=True)
    affected_unit = models.CharField(
        _("affected unit"), max_length=10, choices=ImpactUnit.choices, default=ImpactUnit.USERS
    )
    requests_failed_percent = models.DecimalField(
        _("requests failed (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    user_visible_minutes = models.PositiveIntegerField(
        _("user-visible impact (minutes)"), null=True, blank=True
    )
    support_tickets = models.PositiveIntegerField(_("support tickets"), null=True, blank=True)
    revenue_impact = models.DecimalField(
        _("revenue impact"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue_currency = models.CharField(_("currency"), max_length=3, blank=True)
    error_budget_percent = models.DecimalField(
        _("error budget consumed (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"impact of {self.postmortem_id}"


class WhyChain(models.Model):
    """A 5-whys ladder: a problem and the successive answers to "why?"."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="why_chains")
    problem = models.CharField(_("problem"), max_length=500)
    whys = models.JSONField(_("whys"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["postmortem", "id"]

    def __str__(self) -> str:
        return self.problem[:60]


class LintDismissal(models.Model):
    """A writer's decision that one writing-check finding is acceptable, with the reason.
    Reviewers see it next to "written blamelessly". It is keyed by the finding's fingerprint
    (rule, words, section), so it survives edits elsewhere in the text."""

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="lint_dismissals"
    )
    fingerprint = models.CharField(max_length=32)
    rule_id = models.CharField(_("rule"), max_length=50)
    section_key = models.CharField(_("section"), max_length=50, blank=True)
    text = models.CharField(_("matched text"), max_length=500, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    created_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        ordering = ["postmortem", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "fingerprint"], name="unique_lint_dismissal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} in {self.section_key or '-'}: {self.text[:40]}"


class LintVocabulary(models.Model):
    """Phrases, people, roles and allowed phrases an admin adds to the writing check, without
    code: one site-wide row (no team) and at most one per team, merged when a team's
    postmortems are checked. ``data`` has the shape of ``hansei.lint.Vocabulary.to_dict()``."""

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Leave empty for the site-wide vocabulary, used for every team."),
    )
    data = models.JSONField(_("vocabulary"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("writing check vocabulary")
        verbose_name_plural = _("writing check vocabularies")
        constraints = [
            # One row per team, and one site-wide row (NULL team): NULLs never collide in a
            # plain unique index, so the index is on COALESCE(team, 0).
            models.UniqueConstraint(
                Coalesce("team", models.Value(0)),
                name="unique_lint_vocabulary_scope",
                violation_error_message=_(
                    "There is already a vocabulary for this team (or a site-wide one)."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("Site-wide"))

    def vocabulary(self) -> Vocabulary:
        """The parsed vocabulary; ``VocabularyError`` when ``data`` is malformed."""
        return Vocabulary.from_dict(self.data if self.data is not None else {})

    def clean(self) -> None:
        try:
            self.vocabulary()
        except VocabularyError as error:
            raise ValidationError({"data": str(error)}) from None


# --- the live text: one Yjs document per postmortem (see ``live_text``) ----------------------


class YUpdate(models.Model):
    """One raw Yjs update of a postmortem's live document, stored append-only.

    The document is the ordered merge of its rows. Compaction replaces many rows by one
    (their merge) in a single transaction; nothing else deletes rows.
    """

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="+")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "collab_yupdate"  # created by collab, which wrote the live text first
        indexes = [models.Index(fields=["postmortem", "id"], name="collab_yupdate_room")]

    def __str__(self) -> str:
        return f"update {self.pk} of postmortem {self.postmortem_id}"


class MaterializedText(models.Model):
    """How far the sections' ``body`` column has caught up with the live document: the id of
    the last stored update their text includes. A document with rows above it is stale (its
    room's process died before saving) and is brought up to date on the next read, at worker
    start and by the worker's periodic sweep (``live_text.materialize_stale``)."""

    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    through_update = models.BigIntegerField(default=0)

    class Meta:
        db_table = "collab_materializedtext"

    def __str__(self) -> str:
        return f"postmortem {self.postmortem_id} text through update {self.through_update}"
