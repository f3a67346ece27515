from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.forms import MomentField, RowChoiceField, RowsChoiceField
from hansei.incidents.models import (
    DetectionMethod,
    Intervention,
    PostmortemPolicy,
    Service,
    Severity,
)
from hansei.incidents.services import IncidentInput


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    # No severity is chosen for you: SEV1 by default made small incidents look critical.
    severity = RowChoiceField(
        Severity.objects.all(), label=_("Severity"), empty_label=_("Choose a severity")
    )
    team = RowChoiceField(Team.objects.none(), label=_("Team"), empty_label=None)
    services = RowsChoiceField(
        Service.objects.all(),
        label=_("Affected services"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )
    commander = RowChoiceField(
        User.objects.filter(is_active=True), label=_("Incident commander"), required=False
    )
    responders = RowsChoiceField(
        User.objects.filter(is_active=True).order_by("display_name", "username"),
        label=_("Responders"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
    )
    started_at = MomentField(label=_("Started"))
    detected_at = MomentField(label=_("Detected"), required=False)
    acknowledged_at = MomentField(label=_("Acknowledged"), required=False)
    mitigated_at = MomentField(label=_("Mitigated"), required=False)
    resolved_at = MomentField(label=_("Resolved"), required=False)
    detection_method = forms.ChoiceField(
        label=_("How was it detected?"), choices=DetectionMethod.choices
    )
    downtime_minutes = forms.IntegerField(
        label=_("User-visible downtime (minutes)"), min_value=0, required=False
    )
    intervention = forms.ChoiceField(
        label=_("On-call intervention"), choices=Intervention.choices, required=False
    )
    data_loss = forms.BooleanField(label=_("Data was lost"), required=False)
    monitoring_failure = forms.BooleanField(
        label=_("Monitoring failed to catch it"), required=False
    )
    billing_impact = forms.BooleanField(label=_("Money or billing was affected"), required=False)
    stakeholder_request = forms.BooleanField(
        label=_("A stakeholder asked for a postmortem"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = access.teams_writable_by(user)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        if "team" not in self.initial:
            # The person's own team first (an admin in none: choose one).
            own = teams.filter(memberships__user=user).order_by("name").first()
            if own is not None:
                self.initial["team"] = own.pk
            elif teams.count() > 1:
                self.fields["team"].empty_label = _("Choose a team")  # type: ignore[attr-defined]

    def to_input(self) -> IncidentInput:
        data = dict(self.cleaned_data)
        data["services"] = list(data["services"])
        data["responders"] = list(data["responders"])
        data["intervention"] = data.get("intervention") or ""
        return IncidentInput(**data)

    @staticmethod
    def initial_for(incident: Any) -> dict[str, Any]:
        names = [f for f in IncidentForm.base_fields if f not in {"services", "responders"}]
        initial = {name: getattr(incident, name) for name in names}
        initial["services"] = list(incident.services.all())
        initial["responders"] = list(incident.responders.all())
        return initial


class RequestPostmortemForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is a postmortem worth it?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PostmortemPolicy
        fields = [
            "downtime_minutes_threshold",
            "resolve_minutes_threshold",
            "on_data_loss",
            "on_intervention",
            "on_monitoring_failure",
            "on_billing_impact",
            "on_stakeholder_request",
            "default_due_days",
            "required_approvals",
            "announcement_recipients",
            "read_tracking",
            "action_due_days_p0",
            "action_due_days_p1",
            "action_due_days_p2",
            "action_due_days_p3",
        ]
        widgets = {"announcement_recipients": forms.Textarea(attrs={"rows": 3})}


class SeverityForm(forms.ModelForm):
    class Meta:
        model = Severity
        fields = ["name", "description", "requires_postmortem", "due_days", "due_in_business_days"]
