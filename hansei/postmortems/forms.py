from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.forms import DateInput, DateTimeInput
from hansei.postmortems.importers import MAX_BYTES
from hansei.postmortems.models import Template, TimelineKind


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(User.objects.none(), label=_("Owner"), empty_label=None)
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


class TimelineEntryForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("Time"), widget=DateTimeInput())
    text = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.TextInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=TimelineKind.choices)
    is_key_event = forms.BooleanField(label=_("Key event"), required=False)
    link_url = forms.URLField(
        label=_("Link (graph, log, page)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


IMPORT_FORMATS = (
    ("auto", _("Detect automatically")),
    ("chat", _("Chat log ([10:15] alice: text, 10:15 <alice> text...)")),
    ("slack", _("Slack channel export (a day's .json file, or the export .zip)")),
    ("csv", _("CSV (columns time, author, text)")),
)


class TimelineImportForm(forms.Form):
    """What to import and from when to when; times without a zone are the user's."""

    fmt = forms.ChoiceField(label=_("Format"), choices=IMPORT_FORMATS, initial="auto")
    upload = forms.FileField(label=_("File"), required=False)
    pasted = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    users_file = forms.FileField(
        label=_("Slack users.json (optional: turns user ids into names)"), required=False
    )
    window_start = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    window_end = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, pasted = data.get("upload"), data.get("pasted", "")
        if not upload and not pasted.strip():
            raise forms.ValidationError(_("Choose a file or paste the text to import."))
        too_big = _("The input is too large (at most %(n)s MB).") % {"n": MAX_BYTES // 2**20}
        for name in ("upload", "users_file"):
            if data.get(name) is not None and data[name].size > MAX_BYTES:
                self.add_error(name, too_big)
        if len(pasted.encode()) > MAX_BYTES:
            self.add_error("pasted", too_big)
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and start >= end:
            self.add_error("window_end", _("The end of the window must be after its start."))
        return data


class StartPostmortemForm(forms.Form):
    template = forms.ModelChoiceField(Template.objects.all(), label=_("Template"), empty_label=None)
    owner = forms.ModelChoiceField(User.objects.none(), label=_("Owner"), empty_label=None)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.writers_of_team(team)  # type: ignore[attr-defined]
