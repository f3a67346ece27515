from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _zones() -> list[tuple[str, StrOrPromise]]:
    names = sorted(zoneinfo.available_timezones())
    return [("", _("Browser's time zone"))] + [(n, n) for n in names]


class PreferencesForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), *settings.LANGUAGES],
        required=False,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones, required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
