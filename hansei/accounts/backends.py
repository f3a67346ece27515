"""Local passwords as an authentication backend that ``HANSEI_PASSWORD_LOGIN=false`` turns off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from hansei.accounts.models import User


class PasswordBackend(ModelBackend):
    """Django's password check (the user name is normalized by ``User.objects.
    get_by_natural_key``). With local passwords turned off it signs nobody in and honours none
    of the sessions it made, on every path: the sign-in page, ``/admin/login/``, and the API's
    session authentication."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not settings.PASSWORD_LOGIN:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if isinstance(user, User) else None

    def get_user(self, user_id: int) -> User | None:
        if not settings.PASSWORD_LOGIN:
            return None
        user = super().get_user(user_id)
        return user if isinstance(user, User) else None
