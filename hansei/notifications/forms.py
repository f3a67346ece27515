"""What people choose: which messages reach them where, and what they follow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.core.forms import RowChoiceField
from hansei.incidents.models import Service, Severity
from hansei.notifications.kinds import SPECS, channels_offered
from hansei.notifications.models import Frequency


def choices_from(data: Any) -> dict[tuple[str, str], bool]:
    """The grid of check boxes (``<kind>:<channel>``): every box, ticked or not."""
    return {
        (kind, channel): data.get(f"{kind}:{channel}") == "on"
        for kind in SPECS
        for channel, _label in channels_offered()
    }


HOURS = [(hour, f"{hour:02d}:00") for hour in range(25)]


class DigestForm(forms.Form):
    """How often the digest comes, and the hours reminders and digests may reach you."""

    digest = forms.ChoiceField(
        choices=Frequency.choices,
        label=_("Digest of what needs you"),
        help_text=_(
            "Reviews waiting, your postmortems and action items, what your teams published."
        ),
    )
    start_hour = forms.TypedChoiceField(choices=HOURS[:24], coerce=int, label=_("from"))
    end_hour = forms.TypedChoiceField(
        choices=HOURS[1:],
        coerce=int,
        label=_("until"),
        help_text=_("Monday to Friday, in your time zone (your settings). Outside: quiet."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_hour"), cleaned.get("end_hour")
        if start is not None and end is not None and start >= end:
            raise forms.ValidationError(_("The hours must start before they end."))
        return cleaned


class FollowForm(forms.Form):
    """Follow one team, service or severity (the postmortem page follows its postmortem)."""

    team = RowChoiceField(
        Team.objects.all(), required=False, label=_("Team"), empty_label=_("Choose a team")
    )
    service = RowChoiceField(
        Service.objects.all(), required=False, label=_("Service"), empty_label=_("Choose a service")
    )
    severity = RowChoiceField(
        Severity.objects.all(),
        required=False,
        label=_("Severity"),
        empty_label=_("Choose a severity"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [name for name in ("team", "service", "severity") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one team, service or severity to follow."))
        cleaned["target"] = cleaned[chosen[0]]
        return cleaned
