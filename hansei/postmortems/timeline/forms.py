"""Forms for timeline entries and for importing a chat log into the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hansei.core.forms import MomentField
from hansei.incidents.models import Incident
from hansei.postmortems.timeline.importers import MAX_BYTES
from hansei.postmortems.timeline.models import TimelineKind
from hansei.postmortems.timeline.window import far_outside


def _distance(delta: timedelta) -> str:
    days = delta.days
    if days >= 365:
        years = round(days / 365)
        return ngettext("about %(n)s year", "about %(n)s years", years) % {"n": years}
    if days >= 60:
        months = round(days / 30)
        return ngettext("about %(n)s month", "about %(n)s months", months) % {"n": months}
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


class TimelineEntryForm(forms.Form):
    """``incidents``: the postmortem's, whose window a time far outside is checked against
    (kept only when sent again with ``confirm_outside``: a year typed wrong is common)."""

    occurred_at = MomentField(label=_("Time"))
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
    confirm_outside = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, incidents: list[Incident] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.incidents = incidents or []
        self.ask_to_confirm = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        when = cleaned.get("occurred_at")
        moved = "occurred_at" in self.changed_data  # an old entry's text may still change
        far = moved and isinstance(when, datetime)
        window = far_outside(self.incidents, when) if far and isinstance(when, datetime) else None
        if window is not None and isinstance(when, datetime) and not cleaned.get("confirm_outside"):
            self.ask_to_confirm = True
            before = when < window.start
            distance = _distance(window.start - when if before else when - window.end)
            side = _("before the incident started") if before else _("after it ended")
            message = _(
                "This is %(distance)s %(side)s (%(start)s – %(end)s). Check the date; "
                "to keep it, add it again."
            )
            self.add_error(
                "occurred_at",
                message
                % {
                    "distance": distance,
                    "side": side,
                    "start": date_format(localtime(window.start), "Y-m-d H:i"),
                    "end": date_format(localtime(window.end), "Y-m-d H:i"),
                },
            )
        cleaned.pop("confirm_outside", None)
        return cleaned


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
    log_zone = forms.ChoiceField(
        label=_("Times without a zone are in"),
        choices=(("", _("My time zone")), ("UTC", "UTC")),
        required=False,
        help_text=_("Many bots and servers log in UTC."),
    )
    window_start = MomentField(label=_("From"))
    window_end = MomentField(label=_("Until"))

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
