from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    UserChangeForm,
    UsernameField,
)
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import User, normalize_username

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class NormalizedUsernameField(UsernameField):
    """A user name as stored and compared: ``normalize_username`` of what was typed, so length
    and character checks and the uniqueness check see the name that will be saved."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not isinstance(value, str) or (self.max_length and len(value) > self.max_length):
            return value  # too long: refused as it is, without normalizing a huge string
        return normalize_username(value)


class SignInForm(AuthenticationForm):
    username = NormalizedUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))


class AdminSignInForm(AdminAuthenticationForm):
    username = NormalizedUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))


class NewUserForm(AdminUserCreationForm):
    """The admin site's "add user" form: "Emma" is refused when "emma" exists."""

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": NormalizedUsernameField}


class ChangeUserForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": NormalizedUsernameField}


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
