from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.incidents.models import Service, Severity
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.search.queries import MAX_QUERY_LENGTH

MAX_PAGE = 1_000_000

Choices = Iterable[tuple[str, str]]


class ArchiveForm(forms.Form):
    """The archive's search box and filters (a GET form: every field is optional)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "max_length": _("The search is too long: at most %(limit_value)s characters.")
        },
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    factor = forms.TypedChoiceField(
        label=_("Contributing factor"), required=False, coerce=int, empty_value=None
    )
    year = forms.IntegerField(
        label=_("Year published"),
        required=False,
        min_value=1900,
        max_value=9999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    date_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Far past any archive, and within what a database offset holds.
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Search postmortems…"), "enterkeyhint": "search"}
        )
        self._offer("team", _("All teams"), Team.objects.values_list("slug", "name"))
        self._offer("service", _("All services"), Service.objects.values_list("slug", "name"))
        self._offer("severity", _("All severities"), Severity.objects.values_list("name", "name"))
        factors = ContributingFactorCategory.objects.values_list("pk", "name")
        self._offer("factor", _("All factors"), [(str(pk), name) for pk, name in factors])

    def _offer(self, name: str, everything: str | Promise, choices: Choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", everything), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data
