"""The test provider's people and claims, read from the state file on every request."""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from oidc_provider.lib.claims import ScopeClaims


def state() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(settings.STATE_FILE.read_text())
    return loaded


def person(username: str) -> dict[str, Any]:
    found: dict[str, Any] = state()["people"].get(username, {})
    return found


def sync_people() -> None:
    """Accounts for the people in the state file, with their current passwords."""
    for username, details in state()["people"].items():
        user, _created = User.objects.get_or_create(username=username)
        if not user.check_password(details["password"]):
            user.set_password(details["password"])
            user.save()


def userinfo(claims: dict[str, Any], user: User) -> dict[str, Any]:
    details = person(user.username)
    claims["name"] = details.get("name", "")
    claims["preferred_username"] = details.get("preferred_username", user.username)
    claims["email"] = details.get("email", "")
    claims["email_verified"] = details.get("email_verified", False)
    return claims


class GroupClaims(ScopeClaims):  # type: ignore[misc]
    def scope_groups(self) -> dict[str, Any]:
        return {"groups": person(self.user.username).get("groups", [])}


def id_token_hook(id_token: dict[str, Any], **_context: Any) -> dict[str, Any]:
    mode = state().get("id_token", "valid")
    if mode == "wrong-audience":
        id_token["aud"] = "another-application"
    elif mode == "expired":
        id_token["iat"] = int(time.time()) - 7200
        id_token["exp"] = int(time.time()) - 3600
    return id_token
