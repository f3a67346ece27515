"""Postmortem templates: the sections a new postmortem starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass


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
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("The customer version of a postmortem starts from this section's text."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_template_section_key")
        ]

    def __str__(self) -> str:
        return self.title
