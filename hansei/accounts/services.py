"""Every change to accounts: people, their roles, teams and preferences, API tokens, and the
single sign-on identities that link people to an OpenID Connect provider."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.accounts import access
from hansei.accounts.models import (
    ApiToken,
    Membership,
    Role,
    SsoIdentity,
    Team,
    User,
    hash_token,
    normalize_username,
)

MAX_TOKENS_PER_USER = 50


def check_new_username(username: str) -> str:
    """The normalized form of a new user's name; refuses an empty, malformed or taken one.
    Names are compared normalized: "Emma", " emma" and "ｅｍｍａ" are all "emma"."""
    normalized = normalize_username(username)
    if not normalized:
        raise ValidationError({"username": _("the username is empty")})
    if len(normalized) > 150:
        raise ValidationError({"username": _("the username is longer than 150 characters")})
    try:
        User.username_validator(normalized)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from exc
    if User.objects.filter(username=normalized).exists():
        raise ValidationError({"username": _("a user named %r already exists") % normalized})
    return normalized


def check_new_user(*, username: str, email: str) -> None:
    """Refuse an empty or taken username and a malformed email (before asking for more)."""
    check_new_username(username)
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
    email and password are checked the way Django's own forms check them, and the username is
    stored normalized."""
    check_new_user(username=username, email=email)
    username = normalize_username(username)
    user = User(username=username, email=email, role=role, display_name=display_name)
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


def _require_admin_or_system(actor: User | None) -> None:
    # None is the system itself: single sign-on applying the identity provider's claims.
    if actor is not None:
        access.require(actor.is_admin, _("Only admins change roles and teams."))


@transaction.atomic
def set_user_role(*, actor: User | None, user: User, role: str) -> bool:
    """Give ``user`` a role. ``actor`` is the admin deciding it, or None when single sign-on
    applies the provider's claims at sign-in. True when the role changed."""
    _require_admin_or_system(actor)
    if role not in Role.values:
        raise ValidationError({"role": _("unknown role: %s") % role})
    if user.role == role:
        return False
    user.role = role
    user.save(update_fields=["role"])
    return True


@transaction.atomic
def set_user_teams(
    *, actor: User | None, user: User, teams: Iterable[Team], managed: Iterable[Team]
) -> tuple[list[Team], list[Team]]:
    """Make ``user`` a member of exactly ``teams`` among the ``managed`` ones; memberships of
    other teams are left alone (single sign-on manages only the teams its mapping names).
    ``actor`` as in ``set_user_role``. Returns the teams joined and the teams left."""
    _require_admin_or_system(actor)
    wanted = {team.pk: team for team in teams}
    managed_by_pk = {team.pk: team for team in managed} | wanted
    current = set(
        user.memberships.filter(team__in=list(managed_by_pk)).values_list("team_id", flat=True)
    )
    joined = [wanted[pk] for pk in sorted(wanted.keys() - current)]
    left = [managed_by_pk[pk] for pk in sorted(current - wanted.keys())]
    Membership.objects.filter(user=user, team__in=left).delete()
    Membership.objects.bulk_create([Membership(user=user, team=team) for team in joined])
    if joined or left:
        vars(user).pop("_team_ids", None)
    return joined, left


@transaction.atomic
def create_user_from_identity(
    *, username: str, email: str, display_name: str, role: str, issuer: str, subject: str
) -> User:
    """A person met for the first time through single sign-on: no local password, linked to
    the provider's identity. The username is checked and normalized like any other."""
    username = check_new_username(username)
    if role not in Role.values:
        raise ValidationError({"role": _("unknown role: %s") % role})
    user = User(username=username, email=email, role=role, display_name=display_name)
    user.set_unusable_password()
    user.save()
    SsoIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, last_sign_in_at=timezone.now()
    )
    return user


@transaction.atomic
def record_identity_sign_in(
    *, user: User, issuer: str, subject: str, email: str, display_name: str
) -> SsoIdentity:
    """An existing person signed in through single sign-on: link the provider's identity if
    it is new (matched by verified email) and keep the email and name the provider sends."""
    identity, _created = SsoIdentity.objects.update_or_create(
        issuer=issuer,
        subject=subject,
        defaults={"user": user, "last_sign_in_at": timezone.now()},
    )
    changed = []
    if email and user.email != email:
        user.email = email
        changed.append("email")
    if display_name and user.display_name != display_name:
        user.display_name = display_name
        changed.append("display_name")
    if changed:
        user.save(update_fields=changed)
    return identity
