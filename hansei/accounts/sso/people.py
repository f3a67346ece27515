"""Who a verified identity is in Hansei, and what its claims change.

Matching, in order: the identity already linked (issuer + ``sub``); else the one person whose
email is the provider's *verified* email (the identity is then linked); else a new user, when
``HANSEI_OIDC_CREATE_USERS`` allows it. A user name is never matched on its own: anyone able
to pick a name at the provider could otherwise take over the Hansei account of that name.

When a mapping is configured, the claims decide the role (``HANSEI_OIDC_ROLE_MAP``) and the
memberships of the mapped teams (``HANSEI_OIDC_TEAM_MAP``) at every sign-in, through
``accounts.services`` with no actor (the system). Teams the mapping does not name are left to
the admins.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei.accounts import services
from hansei.accounts.models import SsoIdentity, Team, User
from hansei.accounts.sso.claims import Identity, SignInRefused
from hansei.accounts.sso.config import Mapping

log = logging.getLogger(__name__)


@transaction.atomic
def person_for(identity: Identity, *, mapping: Mapping) -> User:
    """The Hansei user ``identity`` signs in as, created or updated from its claims."""
    user = matching_user(identity)
    if user is None:
        user = _create(identity, mapping=mapping)
    elif not user.is_active:
        raise SignInRefused(_("This Hansei account is deactivated."))
    else:
        services.record_identity_sign_in(
            user=user,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            display_name=identity.display_name,
        )
    apply_claims(user, identity, mapping=mapping)
    return user


def matching_user(identity: Identity) -> User | None:
    linked = (
        SsoIdentity.objects.select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if linked is not None:
        return linked.user
    if not (identity.email and identity.email_verified):
        return None
    users = list(User.objects.filter(email__iexact=identity.email)[:2])
    if len(users) > 1:
        raise SignInRefused(
            _("Several Hansei accounts use the email %(email)s: ask an admin to keep only one.")
            % {"email": identity.email}
        )
    return users[0] if users else None


def _create(identity: Identity, *, mapping: Mapping) -> User:
    if not settings.OIDC_CREATE_USER:
        raise SignInRefused(_("You have no Hansei account yet: ask an admin to create one."))
    try:
        return services.create_user_from_identity(
            username=identity.username,
            email=identity.email,
            display_name=identity.display_name,
            role=mapping.role_for(identity.groups),
            issuer=identity.issuer,
            subject=identity.subject,
        )
    except ValidationError as exc:
        raise SignInRefused(
            _(
                "Hansei cannot create an account named %(name)s for you (%(reason)s). "
                "If it is yours, ask an admin to give it your verified email address."
            )
            % {"name": identity.username, "reason": " ".join(exc.messages)}
        ) from exc


def apply_claims(user: User, identity: Identity, *, mapping: Mapping) -> None:
    if mapping.manages_roles:
        services.set_user_role(actor=None, user=user, role=mapping.role_for(identity.groups))
    if mapping.manages_teams:
        slugs = mapping.managed_team_slugs()
        managed = list(Team.objects.filter(slug__in=slugs))
        missing = slugs - {team.slug for team in managed}
        if missing:
            log.warning("HANSEI_OIDC_TEAM_MAP names teams that do not exist: %s", sorted(missing))
        wanted = mapping.team_slugs_for(identity.groups)
        services.set_user_teams(
            actor=None,
            user=user,
            teams=[team for team in managed if team.slug in wanted],
            managed=managed,
        )
