"""Forms for timeline entries and for importing a chat log into the timeline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.core.forms import DateTimeInput
from hansei.postmortems.timeline.importers import MAX_BYTES
from hansei.postmortems.timeline.models import TimelineKind


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
