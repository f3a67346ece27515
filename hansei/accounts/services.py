"""Every change to accounts: people, their preferences, API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei.accounts import access
from hansei.accounts.models import ApiToken, Membership, Team, User, hash_token

MAX_TOKENS_PER_USER = 50


def check_new_user(*, username: str, email: str) -> None:
    """Refuse an empty or taken username and a malformed email (before asking for more)."""
    from django.core.validators import validate_email

    username = username.strip()
    if not username:
        raise ValidationError({"username": _("the username is empty")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("a user named %r already exists") % username})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("not an email address: %s") % email}) from exc


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    teams: list[Team] | None = None,
) -> User:
    """A new person, in existing teams. For operators (``hansei createuser``); the username,
    email and password are checked the way Django's own forms check them."""
    from django.contrib.auth.password_validation import validate_password

    username = username.strip()
    check_new_user(username=username, email=email)
    user = User(username=username, email=email, role=role, display_name=display_name)
    User.username_validator(username)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    for team in teams or []:
        Membership.objects.create(user=user, team=team)
    return user


@transaction.atomic
def update_preferences(*, actor: User, display_name: str, language: str, time_zone: str) -> User:
    """What a person sets for themselves: how their name shows, language, time zone."""
    access.require(actor.is_authenticated and actor.is_active)
    actor.display_name = display_name.strip()
    actor.language = language
    actor.time_zone = time_zone
    actor.save(update_fields=["display_name", "language", "time_zone"])
    return actor


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``. The raw value is returned once and never stored."""
    access.require(actor.is_authenticated and actor.is_active, _("Sign in to create an API token."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token after what will use it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if actor.api_tokens.count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _("You have %(n)s tokens already: revoke one first.")
                % {"n": MAX_TOKENS_PER_USER}
            }
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor, name=name, key_hash=hash_token(raw), prefix=raw[:12]
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    """Delete a token; it stops working at once. Admins may revoke anyone's."""
    access.require(access.can_revoke_api_token(actor, token), _("This token is not yours."))
    token.delete()
