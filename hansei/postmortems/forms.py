from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team, User
from hansei.core.forms import DateInput, DateTimeInput
from hansei.postmortems.models import TimelineKind


def team_writers(team: Team) -> Any:
    members = User.objects.filter(is_active=True, memberships__team=team).exclude(role="reviewer")
    admins = User.objects.filter(is_active=True, role="admin")
    return (members | admins).distinct()


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(User.objects.none(), label=_("Owner"), empty_label=None)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    restricted = forms.BooleanField(
        label=_("Restricted: only the team, its reviewers and admins can read it"), required=False
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_writers(team)  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    change_note = forms.CharField(max_length=500, required=False)


class TimelineEntryForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("Time"), widget=DateTimeInput())
    text = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.TextInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=TimelineKind.choices)
    is_key_event = forms.BooleanField(label=_("Key event"), required=False)
