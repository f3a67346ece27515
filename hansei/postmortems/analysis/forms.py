"""Forms of the structured analysis: impact figures, contributing factors, 5-whys chains."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.core.forms import RowChoiceField
from hansei.incidents.models import Incident
from hansei.postmortems.analysis.models import (
    ContributingFactorCategory,
    ImpactUnit,
    PostmortemImpact,
)
from hansei.postmortems.analysis.services import MAX_WHY_CHARS, ImpactInput


class AnalysisForm(forms.Form):
    """Field ids carry a prefix: the postmortem page shows many forms (timeline, action items,
    meeting notes...) and two ``id_notes`` would point one label at the wrong field."""

    id_prefix = "analysis"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ImpactForm(AnalysisForm):
    id_prefix = "impact"
    affected_count = forms.IntegerField(label=_("Affected"), required=False, min_value=0)
    affected_unit = forms.ChoiceField(label=_("Unit"), choices=ImpactUnit.choices)
    requests_failed_percent = forms.DecimalField(
        label=_("Requests failed (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=3,
        help_text=_("0 to 100."),
    )
    user_visible_minutes = forms.IntegerField(
        label=_("User-visible impact (minutes)"), required=False, min_value=0
    )
    support_tickets = forms.IntegerField(label=_("Support tickets"), required=False, min_value=0)
    revenue_impact = forms.DecimalField(
        label=_("Revenue impact"), required=False, min_value=Decimal(0), decimal_places=2
    )
    revenue_currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO 4217, such as EUR or USD."),
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    error_budget_percent = forms.DecimalField(
        label=_("Error budget consumed (%)"),
        required=False,
        min_value=Decimal(0),
        decimal_places=3,
        help_text=_("Can exceed 100 when the budget was overspent."),
    )
    notes = forms.CharField(
        label=_("Notes on the figures"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the numbers come from, or why one is unknown."),
    )

    @classmethod
    def for_impact(
        cls, impact: PostmortemImpact | None, suggested_minutes: int | None
    ) -> ImpactForm:
        """An unbound form showing the saved figures, user-visible minutes pre-filled."""
        names = [f.name for f in ImpactInput.__dataclass_fields__.values()]
        initial = {name: getattr(impact, name) for name in names} if impact else {}
        if initial.get("user_visible_minutes") is None and suggested_minutes is not None:
            initial["user_visible_minutes"] = suggested_minutes
        return cls(initial=initial)

    def impact_input(self) -> ImpactInput:
        data = dict(self.cleaned_data)
        data["revenue_currency"] = data.get("revenue_currency") or ""
        data["notes"] = data.get("notes") or ""
        return ImpactInput(**data)


class ContributingFactorForm(AnalysisForm):
    id_prefix = "factor"
    category = RowChoiceField(
        ContributingFactorCategory.objects.filter(is_active=True),
        label=_("Category"),
        required=False,
        empty_label=_("Other (no category)"),
    )
    description = forms.CharField(
        label=_("Factor"),
        max_length=5000,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. the config push skipped the canary stage")}
        ),
    )


class WhyChainForm(AnalysisForm):
    id_prefix = "chain"
    problem = forms.CharField(
        label=_("Problem"),
        max_length=MAX_WHY_CHARS,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. card payments were declined")}),
    )


class WhyAnswerForm(AnalysisForm):
    id_prefix = "why"
    answer = forms.CharField(
        label=_("Why?"),
        max_length=MAX_WHY_CHARS,
        widget=forms.TextInput(attrs={"placeholder": _("Because…")}),
    )


class LinkIncidentForm(AnalysisForm):
    """Offers the incidents that can be linked; any id is accepted so that the service can
    say why another one cannot (already has a postmortem, other team...)."""

    id_prefix = "link"

    incident = forms.IntegerField(label=_("Related incident"), widget=forms.Select())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i.pk, _incident_label(i)) for i in candidates[:100]]
        self.fields["incident"].widget.choices = choices
        self.has_candidates = bool(choices)


def _incident_label(incident: Incident) -> str:
    started = timezone.localtime(incident.started_at)
    return f"#{incident.pk} {incident.title} ({incident.severity.name}, {started:%Y-%m-%d})"
