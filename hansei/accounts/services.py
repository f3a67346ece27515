"""Every change to accounts: people, their roles, teams and preferences, API tokens, and the
single sign-on identities that link people to an OpenID Connect provider.

Everything here but a person's own preferences goes into the audit log (``core.audit``): the
admin site, ``hansei createuser`` and single sign-on change people and teams through these
functions only. ``actor`` None is the system (single sign-on applying claims, the CLI)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
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
from hansei.core import audit

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
    password: str | None,
    role: str,
    display_name: str = "",
    teams: list[Team] | None = None,
    actor: User | None = None,
) -> User:
    """A new person, in existing teams: by an admin (``actor``) or an operator (``hansei
    createuser``, actor None). The username, email and password are checked the way Django's
    own forms check them, and the username is stored normalized. No password (None): the
    person signs in through single sign-on only."""
    _require_admin_or_system(actor)
    check_new_user(username=username, email=email)
    if role not in Role.values:
        raise ValidationError({"role": _("unknown role: %s") % role})
    username = normalize_username(username)
    user = User(username=username, email=email, role=role, display_name=display_name)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    for team in teams or []:
        Membership.objects.create(user=user, team=team)
    _record_new_user(actor, user, teams or [])
    return user


def _record_new_user(
    actor: User | None, user: User, teams: Iterable[Team], detail: str = ""
) -> None:
    fields = {"username": user.username, "email": user.email, "role": user.role}
    changes = {name: audit.change(None, value) for name, value in fields.items()}
    slugs = sorted(team.slug for team in teams)
    if slugs:
        changes["teams"] = audit.change([], slugs)
    audit.record("user.created", actor=actor, target=user, changes=changes, detail=detail)


# What an admin may change on a person (the admin site), besides the role and teams.
PROFILE_FIELDS = (
    "username",
    "email",
    "display_name",
    "first_name",
    "last_name",
    "is_active",
    "language",
    "time_zone",
)


@transaction.atomic
def update_user(*, actor: User, user: User, changes: dict[str, object]) -> User:
    """An admin changes a person's name, email, active flag or role. Unknown fields are
    refused; a renamed user's name is normalized and must be free."""
    access.require(access.can_administer(actor), _("Only admins change people."))
    unknown = sorted(set(changes) - {*PROFILE_FIELDS, "role"})
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    current = User.objects.select_for_update().get(pk=user.pk)
    before = {name: getattr(current, name) for name in PROFILE_FIELDS}
    values = dict(changes)
    if "username" in values and normalize_username(str(values["username"])) != current.username:
        values["username"] = check_new_username(str(values["username"]))
    if values.get("is_active") is False and current.pk == actor.pk:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    for name, value in values.items():
        if name != "role":
            setattr(current, name, value)
    current.full_clean(exclude=["password"])
    current.save()
    after = {name: getattr(current, name) for name in PROFILE_FIELDS}
    found = audit.changes_between(before, after)
    if found:
        audit.record("user.changed", actor=actor, target=current, changes=found)
    if "role" in values:
        set_user_role(actor=actor, user=current, role=str(values["role"]))
    return current


@transaction.atomic
def set_user_password(*, actor: User, user: User, password: str | None) -> None:
    """An admin sets someone's password (checked by the password validators), or turns
    password sign-in off for them (None: single sign-on only)."""
    access.require(access.can_administer(actor), _("Only admins change people."))
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save(update_fields=["password"])
    detail = "password sign-in turned off" if password is None else ""
    audit.record("user.password_changed", actor=actor, target=user, detail=detail)


@transaction.atomic
def unlink_identity(*, actor: User, identity: SsoIdentity) -> None:
    """Forget a single sign-on identity: the person's next sign-in matches by email again."""
    access.require(access.can_administer(actor), _("Only admins change people."))
    detail = f"{identity.issuer} {identity.subject}"
    audit.record("user.identity_unlinked", actor=actor, target=identity.user, detail=detail)
    identity.delete()


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
    changes = {"name": audit.change(None, name), "prefix": audit.change(None, token.prefix)}
    audit.record("token.created", actor=actor, target=token, changes=changes)
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    """Delete a token; it stops working at once. Admins may revoke anyone's."""
    access.require(access.can_revoke_api_token(actor, token), _("This token is not yours."))
    owner = token.user.get_username()
    audit.record("token.revoked", actor=actor, target=token, detail=f"{token.prefix} of {owner}")
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
    before, user.role = user.role, role
    user.save(update_fields=["role"])
    changes = {"role": audit.change(before, role)}
    audit.record("user.role_changed", actor=actor, target=user, changes=changes)
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
        changes = {
            "joined": sorted(team.slug for team in joined),
            "left": sorted(team.slug for team in left),
        }
        audit.record("user.teams_changed", actor=actor, target=user, changes=changes)
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
    _record_new_user(None, user, [], detail="single sign-on")
    return user


@transaction.atomic
def record_identity_sign_in(
    *, user: User, issuer: str, subject: str, email: str, display_name: str
) -> SsoIdentity:
    """An existing person signed in through single sign-on: link the provider's identity if
    it is new (matched by verified email) and keep the email and name the provider sends."""
    identity, created = SsoIdentity.objects.update_or_create(
        issuer=issuer,
        subject=subject,
        defaults={"user": user, "last_sign_in_at": timezone.now()},
    )
    if created:
        audit.record("user.identity_linked", target=user, detail=f"{issuer} {subject}")
    before = {"email": user.email, "display_name": user.display_name}
    changed = []
    if email and user.email != email:
        user.email = email
        changed.append("email")
    if display_name and user.display_name != display_name:
        user.display_name = display_name
        changed.append("display_name")
    if changed:
        user.save(update_fields=changed)
        after = {"email": user.email, "display_name": user.display_name}
        changes = audit.changes_between(before, after)
        audit.record("user.changed", target=user, changes=changes, detail="single sign-on")
    return identity


# --- teams (the admin site) -----------------------------------------------------------------


@transaction.atomic
def save_team(*, actor: User, team: Team | None, name: str, slug: str) -> Team:
    """Create a team (``team`` None) or rename it."""
    access.require(access.can_administer(actor), _("Only admins change teams."))
    current = Team() if team is None else Team.objects.select_for_update().get(pk=team.pk)
    before = {"name": current.name, "slug": current.slug} if team is not None else {}
    current.name, current.slug = name.strip(), slug.strip()
    current.full_clean()
    current.save()
    changes = audit.changes_between(before, {"name": current.name, "slug": current.slug})
    if team is None:
        audit.record("team.created", actor=actor, target=current, changes=changes)
    elif changes:
        audit.record("team.changed", actor=actor, target=current, changes=changes)
    return current


@transaction.atomic
def set_team_members(*, actor: User, team: Team, members: dict[User, bool]) -> None:
    """Make ``members`` (person -> leads the team) exactly the team's members."""
    access.require(access.can_administer(actor), _("Only admins change teams."))
    current = {m.user_id: m for m in Membership.objects.select_for_update().filter(team=team)}
    wanted = {user.pk: (user, lead) for user, lead in members.items()}
    added = [user for pk, (user, _lead) in wanted.items() if pk not in current]
    removed = [m for pk, m in current.items() if pk not in wanted]
    Membership.objects.filter(pk__in=[m.pk for m in removed]).delete()
    for user in added:
        Membership.objects.create(team=team, user=user, is_lead=wanted[user.pk][1])
    leads_before = sorted(m.user.get_username() for m in current.values() if m.is_lead)
    for pk, membership in current.items():
        if pk in wanted and membership.is_lead != wanted[pk][1]:
            membership.is_lead = wanted[pk][1]
            membership.save(update_fields=["is_lead"])
    leads_after = sorted(user.get_username() for user, lead in wanted.values() if lead)
    changes: dict[str, object] = {}
    if added:
        changes["added"] = sorted(user.get_username() for user in added)
    if removed:
        changes["removed"] = sorted(m.user.get_username() for m in removed)
    if leads_before != leads_after:
        changes["leads"] = audit.change(leads_before, leads_after)
    if changes:
        audit.record("team.members_changed", actor=actor, target=team, changes=changes)


@transaction.atomic
def delete_team(*, actor: User, team: Team) -> None:
    """Delete a team with no postmortems or incidents (those keep it: ProtectedError)."""
    access.require(access.can_administer(actor), _("Only admins change teams."))
    audit.record("team.deleted", actor=actor, target=team)
    team.delete()
