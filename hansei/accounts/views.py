from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei.accounts.forms import PreferencesForm, TokenForm
from hansei.accounts.services import update_preferences
from hansei.core.http import AuthedRequest


def _throttle_key(request: HttpRequest) -> str:
    username = request.POST.get("username", "").lower()
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{username}|{address}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


class SignInView(auth_views.LoginView):
    """Django's sign-in, with failed attempts counted in the shared cache (Redis if set)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cache.get(_throttle_key(request), 0) >= settings.LOGIN_MAX_FAILURES:
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        key = _throttle_key(self.request)
        cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        cache.delete(_throttle_key(self.request))
        return super().form_valid(form)


class SignOutView(auth_views.LogoutView):
    pass


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
    from hansei.accounts.services import create_api_token

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
    from hansei.accounts.services import revoke_api_token

    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:settings")
