from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import User
from hansei.action_items.models import ActionKind, ActionStatus, Priority
from hansei.action_items.services import ActionItemInput
from hansei.core.forms import DateInput


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Type"), choices=ActionKind.choices, initial=ActionKind.PREVENT
    )
    owner = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("Owner"), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.P2)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN
    )
    wont_do_reason = forms.CharField(
        label=_("Why won't it be done?"), max_length=1000, required=False
    )
    tracking_url = forms.URLField(
        label=_("Tracking issue (link)"), max_length=500, required=False, assume_scheme="https"
    )

    def to_input(self) -> ActionItemInput:
        return ActionItemInput(**self.cleaned_data)
