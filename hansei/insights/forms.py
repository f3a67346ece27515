"""The dashboard's filters, shared by the page, the CSV export and the API: a period (the last
30, 90 or 365 days, or chosen dates) and, if wanted, a team, a service and a severity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.core.forms import DateInput, RowChoiceField
from hansei.incidents.models import Service, Severity
from hansei.insights.scope import Scope

PRESETS = (30, 90, 365)
DEFAULT_DAYS = 90
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
LONGEST_DAYS = 3660  # ten years: at most 121 months on a chart


class InsightsFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=None,
        initial=DEFAULT_DAYS,
        choices=[
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("365", _("Last 365 days")),
            ("", _("The dates below")),
        ],
        error_messages={"invalid_choice": _("Choose 30, 90 or 365 days, or dates.")},
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)
    team = RowChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All teams"),
        error_messages={"invalid_choice": _("There is no team with this slug.")},
    )
    service = RowChoiceField(
        label=_("Service"),
        required=False,
        queryset=Service.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All services"),
        error_messages={"invalid_choice": _("There is no service with this slug.")},
    )
    severity = RowChoiceField(
        label=_("Severity"),
        required=False,
        queryset=Severity.objects.order_by("level"),
        to_field_name="name",
        empty_label=_("All severities"),
        error_messages={"invalid_choice": _("There is no severity with this name.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Choose a date between 1970 and 2999."))
        if {"days", "since", "until"} & set(self.errors):
            return data
        since, until = _period(data, timezone.localdate())
        if since > until:
            self.add_error("until", _("The end comes before the start."))
        elif (until - since).days >= LONGEST_DAYS:
            self.add_error("until", _("Choose a period of at most ten years."))
        return data

    def scope(self) -> Scope:
        """The scope of a valid (or unbound: the last 90 days) form."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound else {}
        since, until = _period(data, today)
        return Scope(
            since=since,
            until=until,
            team=data.get("team"),
            service=data.get("service"),
            severity=data.get("severity"),
            today=today,
        )


def _period(data: dict[str, Any], today: date) -> tuple[date, date]:
    """The dates chosen. One alone: from it to today (or to itself, if later), or the
    preset's number of days up to it; none: the preset (90 days by default) up to today."""
    days = data.get("days") or DEFAULT_DAYS
    since, until = data.get("since"), data.get("until")
    if until is None:
        until = max(today, since) if since else today
    return since or until - timedelta(days=days - 1), until
