"""The test provider's pages: its own sign-in page and django-oidc-provider's endpoints."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from oidc_provider.views import TokenView

from hansei.accounts.tests.identity_provider.people import state, sync_people


class SignInView(LoginView):
    template_name = "login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sync_people()
        return super().post(request, *args, **kwargs)


def _tamper(id_token: str) -> str:
    """Change the subject of a signed token, keeping the signature: a forged token."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = TokenView.as_view()(request)
    if state().get("id_token") != "tampered" or response.status_code != 200:
        return response
    body = json.loads(response.content)
    body["id_token"] = _tamper(body["id_token"])
    return HttpResponse(json.dumps(body), content_type="application/json")


urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    re_path(r"^openid/token/?$", token),  # ahead of the provider's own token endpoint
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
]
