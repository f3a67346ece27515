"""The structured analysis: impact in numbers, contributing factors, 5-whys chains."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    pass


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
