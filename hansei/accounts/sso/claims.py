"""What a provider's verified claims say about a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hansei.accounts.models import normalize_username
from hansei.accounts.sso.config import ClaimNames


class SignInRefused(Exception):
    """A single sign-on attempt that must not sign anyone in; the message is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    username: str  # normalized, like every Hansei user name
    email: str
    email_verified: bool
    display_name: str
    groups: list[str]


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _groups(value: Any) -> list[str]:
    # A list of names is the norm; some providers send a lone group as a string.
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(group) for group in value if isinstance(group, str | int)]
    return []


def identity_from_claims(claims: dict[str, Any], *, issuer: str, names: ClaimNames) -> Identity:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused(_("The identity provider sent no subject (sub) for you."))
    username = normalize_username(_text(claims, names.username))
    if not username:
        raise SignInRefused(
            _("The identity provider sent no %(claim)s claim to name you in Hansei.")
            % {"claim": names.username}
        )
    verified = claims.get("email_verified")
    return Identity(
        issuer=issuer,
        subject=subject,
        username=username,
        email=_text(claims, names.email),
        email_verified=verified is True or (isinstance(verified, str) and verified == "true"),
        display_name=_text(claims, names.name)[:150],
        groups=_groups(claims.get(names.groups)),
    )
