from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.forms import DateInput, MomentField, RowChoiceField, RowsChoiceField
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.meetings import MAX_DURATION, MIN_DURATION, MeetingInput
from hansei.reviews.models import CHECKLIST, ReviewMeeting


class SubmitForm(forms.Form):
    reviewers = RowsChoiceField(
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
        label=_("Your review"),
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


class MeetingChoiceField(RowChoiceField):
    def label_from_instance(self, obj: ReviewMeeting) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M}"


class MeetingNoteForm(forms.Form):
    meeting = MeetingChoiceField(
        ReviewMeeting.objects.none(),
        label=_("Meeting"),
        required=False,
        empty_label=_("Another meeting"),
    )
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    attendees = forms.CharField(label=_("Attendees"), max_length=1000, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, postmortem: Postmortem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        held = postmortem.meetings.held().order_by("-starts_at")
        self.fields["meeting"].queryset = held  # type: ignore[attr-defined]
        if not held:
            del self.fields["meeting"]


class ReviewMeetingForm(forms.Form):
    """Schedule or change a meeting: invitees are chosen among the postmortem's readers."""

    starts_at = MomentField(label=_("Starts at"))
    duration = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=MIN_DURATION,
        max_value=MAX_DURATION,
        initial=60,
        widget=forms.NumberInput(attrs={"step": 15}),
    )
    location = forms.CharField(
        label=_("Where"),
        max_length=500,
        required=False,
        help_text=_("A room or a video call link."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    invitees = RowsChoiceField(
        User.objects.none(),
        label=_("Invitees"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People who may read this postmortem. Each gets a calendar invitation."),
    )

    def __init__(self, *args: Any, postmortem: Postmortem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readers = access.readers_of_postmortem(postmortem).order_by("display_name", "username")
        self.fields["invitees"].queryset = readers  # type: ignore[attr-defined]

    def meeting_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            starts_at=data["starts_at"],
            duration=data["duration"],
            invitees=list(data["invitees"]),
            location=data["location"],
            agenda=data["agenda"],
        )
