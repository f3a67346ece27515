from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hansei.core.admin import AuditedAdmin, ReadOnlyAdminMixin, RowChoicesAdmin
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.writing_check.models import LintDismissal, LintVocabulary


@admin.register(ContributingFactorCategory)
class ContributingFactorCategoryAdmin(AuditedAdmin):
    """The contributing factor taxonomy. A category in use cannot be deleted (the factors keep
    it): untick "offered for new analyses" to retire it."""

    list_display = ["name", "description", "position", "is_active", "factor_count"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "description"]
    ordering = ["position", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContributingFactorCategory]:
        return super().get_queryset(request).annotate(factor_count=Count("factors"))

    @admin.display(description="factors", ordering="factor_count")
    def factor_count(self, obj: ContributingFactorCategory) -> int:
        return int(getattr(obj, "factor_count", 0))


VOCABULARY_EXAMPLE = """{
  "phrases": {
    "judgemental": {
      "en": ["half-baked", {"regex": "cowboy\\\\s+deploys?", "suggest": "unreviewed deploy"}]
    },
    "blame-person": {"ja": ["やらかした"]}
  },
  "people": ["Kestrel Example", "@kestrel"],
  "roles": {"en": ["release captain"], "ja": ["当番者"]},
  "allow": ["Blameless Bob", {"regex": "human error budget"}]
}"""


class LintVocabularyForm(forms.ModelForm):
    class Meta:
        model = LintVocabulary
        fields = ["team", "data"]
        widgets = {
            "data": forms.Textarea(attrs={"rows": 16, "cols": 90, "class": "vLargeTextField"})
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data"].help_text = format_html(
            "{}<br>{}<pre>{}</pre>",
            _(
                "Extra phrases per rule and language (en, ja), people's names, role nouns, "
                "and phrases never flagged. A plain string is a literal phrase "
                '(case-insensitive); {"regex": "..."} is a Python regular expression; '
                '"suggest" proposes a rewrite.'
            ),
            _(
                "Rules that take phrases: blame-person, counterfactual, human-error, "
                "judgemental, action-vague, action-training-only. For example:"
            ),
            VOCABULARY_EXAMPLE,
        )

    def clean_data(self) -> Any:
        data = self.cleaned_data.get("data")
        return {} if data is None else data  # an empty box is an empty vocabulary


@admin.register(LintVocabulary)
class LintVocabularyAdmin(AuditedAdmin):
    """The writing check's vocabulary, site-wide (no team) or per team, checked on save: a
    bad entry (an invalid regular expression, an unknown rule...) is a form error naming it."""

    form = LintVocabularyForm
    list_display = ["__str__", "entry_count", "updated_by", "updated_at"]
    list_select_related = ["team", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    @admin.display(description=_("entries"))
    def entry_count(self, obj: LintVocabulary) -> int:
        data = obj.data if isinstance(obj.data, dict) else {}
        phrases = data.get("phrases") or {}
        count = sum(
            len(entries)
            for by_lang in phrases.values()
            if isinstance(by_lang, dict)
            for entries in by_lang.values()
            if isinstance(entries, list)
        )
        return count + sum(len(data.get(k) or []) for k in ("people", "allow"))

    def save_model(
        self, request: HttpRequest, obj: LintVocabulary, form: Any, change: bool
    ) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(LintDismissal)
class LintDismissalAdmin(ReadOnlyAdminMixin, RowChoicesAdmin, admin.ModelAdmin):
    """Dismissed writing-check findings, for the record: writers dismiss them on the page."""

    list_display = [
        "postmortem",
        "rule_id",
        "section_key",
        "text",
        "reason",
        "dismissed_by",
        "created_at",
    ]
    list_filter = ["rule_id"]
    search_fields = ["text", "reason", "postmortem__title"]
    list_select_related = ["postmortem", "dismissed_by"]
