""""""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.forms import DateInput, RowChoiceField
from hansei.postmortems.template_library.models import Template


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = RowChoiceField(User.objects.none(), label=_("Owner"), empty_label=None)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    restricted = forms.BooleanField(
        label=_("Restricted: only the team, its reviewers and admins can read it"), required=False
    )

    # What reviewers approve besides the text: fixed once it is in review.
    REVIEWED = ("title", "owner", "restricted")

    def __init__(self, *args: Any, team: Team, in_review: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.writers_of_team(team)  # type: ignore[attr-defined]
        for name in self.REVIEWED if in_review else ():
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Reviewed: it changes once the draft is back.")


class PublishForm(forms.Form):
    change_note = forms.CharField(max_length=500, required=False)


class StartPostmortemForm(forms.Form):
    template = RowChoiceField(Template.objects.all(), label=_("Template"), empty_label=None)
    owner = RowChoiceField(User.objects.none(), label=_("Owner"), empty_label=None)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.writers_of_team(team)  # type: ignore[attr-defined]
