from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import User
from hansei.core.forms import DateInput
from hansei.reviews.models import CHECKLIST


class SubmitForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        User.objects.none(),
        label=_("Reviewers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ideally someone senior from outside the team, plus someone who knows the system."
        ),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk=owner.pk)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when requesting changes: say what needs to change and why."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label in CHECKLIST}

    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[f"check_{key}"] for key, _label in CHECKLIST]


class MeetingNoteForm(forms.Form):
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    attendees = forms.CharField(label=_("Attendees"), max_length=1000, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 4})
    )
