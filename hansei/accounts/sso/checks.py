"""System checks (``hansei check``, ``hansei migrate``, ``hansei serve``) for sign-in settings
that would otherwise fail only when someone tries to sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

from hansei.accounts.sso.config import mapping, sso_enabled
from hansei.accounts.sso.provider import discovery_url


def check_sign_in_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not settings.PASSWORD_LOGIN and not sso_enabled():
        errors.append(
            Error(
                "HANSEI_PASSWORD_LOGIN=false without single sign-on: nobody can sign in.",
                hint="Set HANSEI_OIDC_CLIENT_ID and the provider's settings, or turn passwords on.",
                id="hansei.E101",
            )
        )
    if not sso_enabled():
        return errors
    endpoints = (
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        settings.OIDC_OP_TOKEN_ENDPOINT,
        settings.OIDC_OP_USER_ENDPOINT,
        settings.OIDC_OP_JWKS_ENDPOINT,
    )
    if not discovery_url() and not all(endpoints):
        errors.append(
            Error(
                "Single sign-on needs the provider's address.",
                hint="Set HANSEI_OIDC_ISSUER (or HANSEI_OIDC_DISCOVERY_URL), or every "
                "HANSEI_OIDC_*_ENDPOINT.",
                id="hansei.E102",
            )
        )
    try:
        mapping()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="hansei.E103"))
    return errors
