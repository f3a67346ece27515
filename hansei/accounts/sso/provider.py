"""The OpenID provider's endpoints and Hansei's own addresses registered with it.

Endpoints set explicitly (``HANSEI_OIDC_*_ENDPOINT``) win; any that are missing come from the
discovery document (``HANSEI_OIDC_DISCOVERY_URL``, or ``<HANSEI_OIDC_ISSUER>/.well-known/
openid-configuration``), fetched when first needed and kept for an hour in each process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from hansei.accounts.sso.config import sso_enabled

log = logging.getLogger(__name__)

DISCOVERY_TTL = 3600.0
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider could not be reached, or its discovery document is unusable."""


@dataclass(frozen=True)
class Endpoints:
    issuer: str  # empty when neither configured nor discovered: ``iss`` is then not checked
    authorization: str
    token: str
    userinfo: str
    jwks: str
    end_session: str  # empty when the provider offers no RP-initiated logout


def discovery_url() -> str:
    if settings.OIDC_DISCOVERY_URL:
        return str(settings.OIDC_DISCOVERY_URL)
    if settings.OIDC_ISSUER:
        return f"{str(settings.OIDC_ISSUER).rstrip('/')}/.well-known/openid-configuration"
    return ""


def endpoints() -> Endpoints:
    configured = {
        "issuer": str(settings.OIDC_ISSUER).rstrip("/"),
        "authorization": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo": settings.OIDC_OP_USER_ENDPOINT,
        "jwks": settings.OIDC_OP_JWKS_ENDPOINT,
        "end_session": settings.OIDC_OP_END_SESSION_ENDPOINT,
    }
    document: dict[str, Any] = {}
    required = ("authorization", "token", "userinfo", "jwks")
    if discovery_url() and not all(configured[name] for name in (*required, "end_session")):
        try:
            document = _discovery_document(discovery_url())
        except ProviderUnavailable:
            if not all(configured[name] for name in required):
                raise
            log.warning("no end-session endpoint: discovery failed", exc_info=True)
        issuer = str(document.get("issuer", "")).rstrip("/")
        if configured["issuer"] and issuer != configured["issuer"]:
            raise ProviderUnavailable(
                f"the discovery document names the issuer {issuer!r}, "
                f"not {configured['issuer']!r} (HANSEI_OIDC_ISSUER)"
            )
    discovered = {
        "issuer": document.get("issuer", ""),
        "authorization": document.get("authorization_endpoint", ""),
        "token": document.get("token_endpoint", ""),
        "userinfo": document.get("userinfo_endpoint", ""),
        "jwks": document.get("jwks_uri", ""),
        "end_session": document.get("end_session_endpoint", ""),
    }
    found = {name: str(configured[name] or discovered[name] or "") for name in configured}
    missing = [name for name in required if not found[name]]
    if missing:
        raise ProviderUnavailable(f"no {', '.join(missing)} endpoint configured or discovered")
    return Endpoints(**found)


def _discovery_document(url: str) -> dict[str, Any]:
    with _lock:
        cached = _discovered.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery at {url} failed: {exc}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"discovery at {url} did not answer a JSON object")
    with _lock:
        _discovered[url] = (time.monotonic(), document)
    return document


def callback_url() -> str:
    """The redirect URI to register at the provider. Built from HANSEI_BASE_URL, not from the
    request, so it is right behind a proxy that terminates TLS."""
    return f"{settings.BASE_URL}{reverse('accounts:sso_callback')}"


def after_logout_url() -> str:
    """Where the provider sends people back after ending its session (register it too)."""
    return f"{settings.BASE_URL}{reverse('accounts:login')}"


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's end-session address for someone who signed in through it, when the
    provider offers one (RP-initiated logout); None otherwise. Read before the session ends:
    it needs the ID token kept in the session."""
    id_token = request.session.get("oidc_id_token")
    if not (sso_enabled() and settings.OIDC_END_PROVIDER_SESSION and id_token):
        return None
    try:
        endpoint = endpoints().end_session
    except ProviderUnavailable as exc:
        log.warning("signing out of Hansei only: %s", exc)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": after_logout_url(),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
