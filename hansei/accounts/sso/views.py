"""The single sign-on endpoints: start (to the provider) and callback (back from it).
Both answer 404 while single sign-on is not configured."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from hansei.accounts.sso.config import provider_name, sso_enabled
from hansei.accounts.sso.provider import ProviderUnavailable, callback_url, endpoints
from hansei.accounts.views import sign_in_page

log = logging.getLogger(__name__)


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (code flow, PKCE, nonce)."""

    def __init__(self, **kwargs: Any) -> None:
        # The parent reads the authorization endpoint here; ``get`` resolves it instead, so an
        # unreachable provider is a page that says so, not an error.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints().authorization
        except ProviderUnavailable as exc:
            log.warning("single sign-on cannot start: %s", exc)
            message = _("%(provider)s cannot be reached right now. Try again in a moment.")
            return sign_in_page(request, message % {"provider": provider_name()}, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_extra_params(request), "redirect_uri": callback_url()}


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back. Any refusal is the sign-in page with the
    reason and HTTP 403; nobody is signed in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation:  # a state this session never started, or used already
            refusal = _("This sign-in has expired or was already used.")
            request.sso_refusal = refusal  # type: ignore[attr-defined]
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        if not hasattr(self, "user"):
            # Refused before authenticate() ran (a provider error, an unknown state): send the
            # signal authenticate() would have sent, so every failed sign-in is announced.
            user_login_failed.send(sender=__name__, credentials={}, request=request)
        reason = getattr(request, "sso_refusal", None)
        if reason is None and request.GET.get("error"):
            reason = _("%(provider)s did not sign you in (%(error)s).") % {
                "provider": provider_name(),
                "error": request.GET.get("error_description") or request.GET["error"],
            }
        if reason is None:
            user = getattr(self, "user", None)
            reason = (
                _("This Hansei account is deactivated.")
                if user is not None and not user.is_active
                else _("The sign-in with %(provider)s failed. Try again.")
                % {"provider": provider_name()}
            )
        return sign_in_page(request, reason, status=403)
