from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.audit.queries import ACTIONS, GROUPS, AuditFilter


def _action_choices() -> list[tuple[object, object]]:
    groups = [(key, label) for key, label in GROUPS.items()]
    actions = [(key, label) for key, label in ACTIONS.items()]
    return [("", _("Everything")), (_("Kinds"), groups), (_("Actions"), actions)]


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=_action_choices)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    target_type = forms.CharField(
        label=_("Target type"),
        required=False,
        max_length=64,
        help_text=_("postmortem, user, team, apitoken, integration…"),
    )
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)
    text = forms.CharField(label=_("Containing"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return data

    def to_filter(self) -> AuditFilter:
        """The filter the form describes (none when it is empty or not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilter(
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            target_type=data.get("target_type") or "",
            target_id=data.get("target_id") or "",
            since=data.get("since"),
            until=data.get("until"),
            text=data.get("text") or "",
        )
