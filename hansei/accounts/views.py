from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.forms import PreferencesForm, SignInForm, TokenForm
from hansei.accounts.services import create_api_token, revoke_api_token, update_preferences
from hansei.accounts.sso.config import provider_name, sso_enabled
from hansei.accounts.sso.provider import provider_logout_url
from hansei.accounts.throttling import throttled_username
from hansei.core.http import AuthedRequest


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else ""


def sign_in_context(request: HttpRequest) -> dict[str, Any]:
    """What the sign-in page shows besides the form: the single sign-on button (only when it
    is configured) and whether local passwords are on."""
    next_url = _next_url(request)
    start = reverse("accounts:sso_start") + (
        f"?{urlencode({'next': next_url})}" if next_url else ""
    )
    return {
        "next": next_url,
        "password_login": settings.PASSWORD_LOGIN,
        "sso_name": provider_name() if sso_enabled() else "",
        "sso_start": start,
    }


def sign_in_page(
    request: HttpRequest, error: str, *, status: int, username: str = ""
) -> HttpResponse:
    """The sign-in page with a refusal on it (lockout, passwords off, single sign-on failed)."""
    form = SignInForm(request, initial={"username": username})
    context = {**sign_in_context(request), "form": form, "error": error}
    return render(request, "accounts/login.html", context, status=status)


def password_login_refused(request: HttpRequest) -> HttpResponse:
    if sso_enabled():
        message = _("Password sign-in is turned off: sign in with %(provider)s.") % {
            "provider": provider_name()
        }
    else:
        message = _("Password sign-in is turned off.")
    return sign_in_page(request, message, status=403)


def locked_out(request: HttpRequest, *_details: Any) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: too many failed sign-ins for this user name (on the sign-in
    page and on /admin/login/ alike). django-axes 8.3 passes (response, credentials) from its
    sync middleware and (credentials) alone from its async one: only the request is used."""
    minutes = max(1, math.ceil(int(settings.LOGIN_LOCKOUT_SECONDS) / 60))
    message = ngettext(
        "Too many failed sign-ins for this user name. Wait %(minutes)s minute and try again.",
        "Too many failed sign-ins for this user name. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    username = throttled_username(request, None) or ""
    return sign_in_page(request, message, status=429, username=username)


class SignInView(auth_views.LoginView):
    """Django's sign-in, with user names normalized (``SignInForm``). Throttling is
    django-axes' (see ``accounts.throttling``), the same here as on /admin/login/."""

    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN:
            return password_login_refused(request)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**sign_in_context(self.request), **context}


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """/admin/login/: the admin site's own sign-in (normalized names, throttled by axes like the
    sign-in page). With local passwords turned off it sends people to the sign-in page."""
    if not settings.PASSWORD_LOGIN:
        if request.method == "POST":
            return password_login_refused(request)
        if not request.user.is_authenticated:
            return redirect_to_login(_next_url(request) or reverse("admin:index"))
    return admin.site.login(request)


class SignOutView(auth_views.LogoutView):
    """Ends the Hansei session; after single sign-on, also the provider's when it offers
    RP-initiated logout (its end-session endpoint), which then sends people back here.

    The way to the provider is a page that moves on by itself, not a redirect: the Content-
    Security-Policy's ``form-action 'self'`` forbids a form's redirect to another origin."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_logout = provider_logout_url(request)  # needs the session: read it first
        response = super().post(request, *args, **kwargs)
        if not provider_logout:
            return response
        context = {"provider_logout": provider_logout, "provider": provider_name()}
        return render(request, "accounts/signed_out.html", context)


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        update_preferences(actor=user, **form.cleaned_data)
        response = redirect("accounts:settings")
        if user.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        messages.success(request, _("Settings saved."))
        return response
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": user.api_tokens.all(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def create_token(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name (at most 100 characters)."))
        return redirect("accounts:settings")
    try:
        _token, raw = create_api_token(actor=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:settings")
    # Shown once, on the next page only; never stored in clear in the database.
    request.session["new_token"] = raw
    return redirect("accounts:settings")


@login_required
@require_POST
def delete_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = access.get_api_token_for_user(request.user, token_id)
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:settings")
