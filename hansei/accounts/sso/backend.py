"""The authentication backend for single sign-on: mozilla-django-oidc's authorization code
flow (with PKCE and a nonce), and Hansei's rules on top.

* It acts only for the callback (``authenticate(request, nonce=..., code_verifier=...)``):
  password sign-ins, which try every backend, never reach the provider.
* The ID token is checked strictly: signature (the provider's JWKS), algorithm, audience (this
  client), authorized party, issuer (when known), expiry, issue time, nonce. mozilla-django-
  oidc 5 checks neither audience nor issuer, and lets an expired token raise past it.
* A refusal never raises: it is kept on the request (``request.sso_refusal``) for the
  callback page to show, and ``authenticate`` returns None (Django then sends
  ``user_login_failed``).
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from hansei.accounts.models import User
from hansei.accounts.sso.claims import SignInRefused, identity_from_claims
from hansei.accounts.sso.config import claim_names, mapping, provider_name, sso_enabled
from hansei.accounts.sso.people import person_for
from hansei.accounts.sso.provider import ProviderUnavailable, callback_url, endpoints

log = logging.getLogger(__name__)

# Seconds of clock difference tolerated between Hansei and the provider.
CLOCK_SKEW = 60


def _token_refusal(problem: str) -> SignInRefused:
    return SignInRefused(
        _("%(provider)s's sign-in token was refused: %(problem)s. Sign in again.")
        % {"provider": provider_name(), "problem": problem}
    )


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the provider's endpoints here; they are resolved (perhaps by
        # discovery) only when a callback needs them, in ``_configure``.
        self.UserModel = User
        self.issuer = ""

    def _configure(self) -> None:
        found = endpoints()
        self.issuer = found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token
        self.OIDC_OP_USER_ENDPOINT = found.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        try:
            self._configure()
            user = super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            reason = refusal.message
        except (ProviderUnavailable, requests.RequestException, ImproperlyConfigured) as exc:
            log.warning("single sign-on failed: %s", exc)
            reason = _("%(provider)s could not complete the sign-in. Try again in a moment.") % {
                "provider": provider_name()
            }
        else:
            return user if isinstance(user, User) else None
        log.info("single sign-on refused: %s", reason)
        request.sso_refusal = reason  # type: ignore[attr-defined]  # for CallbackView
        return None

    def get_token(self, payload: dict[str, Any]) -> Any:
        # The redirect URI sent with the code must be the one the flow started with.
        return super().get_token({**payload, "redirect_uri": callback_url()})

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        try:
            return super().verify_token(token, **kwargs)
        except SignInRefused:
            raise
        except SuspiciousOperation as exc:  # nonce mismatch, unknown signing key
            raise _token_refusal(str(exc)) from exc
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise _token_refusal(_("it is malformed")) from exc

    def get_payload_data(self, token: str, key: Any) -> dict[str, Any]:
        algorithm = self.OIDC_RP_SIGN_ALGO
        try:
            if jwt.get_unverified_header(token).get("alg") != algorithm:
                raise _token_refusal(_("it is not signed with %s") % algorithm)
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer or None,
                leeway=CLOCK_SKEW,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise _token_refusal(_("its signature does not match the provider's keys")) from exc
        except jwt.ExpiredSignatureError as exc:
            raise _token_refusal(_("it has expired")) from exc
        except jwt.InvalidAudienceError as exc:
            raise _token_refusal(_("it was issued to another application")) from exc
        except jwt.InvalidIssuerError as exc:
            raise _token_refusal(_("it was issued by another provider")) from exc
        except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError) as exc:
            raise _token_refusal(_("it is not valid yet (check the clocks)")) from exc
        except jwt.PyJWTError as exc:
            raise _token_refusal(_("it is malformed")) from exc
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise _token_refusal(_("it was issued to another application"))
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
            # OpenID Connect Core 5.3.2: the UserInfo answer must be about the token's subject.
            raise _token_refusal(_("the user information is about someone else"))
        identity = identity_from_claims(
            {**payload, **userinfo}, issuer=str(payload["iss"]), names=claim_names()
        )
        return person_for(identity, mapping=mapping())
