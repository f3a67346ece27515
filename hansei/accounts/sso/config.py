"""The single sign-on settings (``HANSEI_OIDC_*``, read in ``hansei.settings``), parsed and
checked in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hansei.accounts.models import Role

# When several mapped groups give a role, the one that may do the most wins.
ROLE_RANK = {Role.REVIEWER: 1, Role.MEMBER: 2, Role.ADMIN: 3}


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME or "SSO")


def parse_mapping(text: str, *, variable: str) -> dict[str, tuple[str, ...]]:
    """``"sre=platform, payments-eng=payments, sre=search"`` → ``{"sre": ("platform",
    "search"), "payments-eng": ("payments",)}``. A group may appear more than once."""
    mapping: dict[str, tuple[str, ...]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, separator, value = (piece.strip() for piece in item.rpartition("="))
        if not separator or not group or not value:
            raise ImproperlyConfigured(
                f"{variable}: {item!r} is not GROUP=VALUE (pairs are separated by commas)"
            )
        mapping[group] = (*mapping.get(group, ()), value)
    return mapping


@dataclass(frozen=True)
class ClaimNames:
    username: str
    email: str
    name: str
    groups: str


@dataclass(frozen=True)
class Mapping:
    """Which groups give which teams (by slug) and roles."""

    teams: dict[str, tuple[str, ...]]
    roles: dict[str, str]
    default_role: str

    @property
    def manages_teams(self) -> bool:
        return bool(self.teams)

    @property
    def manages_roles(self) -> bool:
        return bool(self.roles)

    def managed_team_slugs(self) -> set[str]:
        return {slug for slugs in self.teams.values() for slug in slugs}

    def team_slugs_for(self, groups: list[str]) -> set[str]:
        return {slug for group in groups for slug in self.teams.get(group, ())}

    def role_for(self, groups: list[str]) -> str:
        mapped = [self.roles[group] for group in groups if group in self.roles]
        return max(mapped, key=lambda role: ROLE_RANK[Role(role)], default=self.default_role)


def claim_names() -> ClaimNames:
    return ClaimNames(
        username=settings.OIDC_USERNAME_CLAIM,
        email=settings.OIDC_EMAIL_CLAIM,
        name=settings.OIDC_NAME_CLAIM,
        groups=settings.OIDC_GROUPS_CLAIM,
    )


def mapping() -> Mapping:
    """The group mappings; ImproperlyConfigured names the variable at fault."""
    roles: dict[str, str] = {}
    for group, values in parse_mapping(
        settings.OIDC_ROLE_MAP, variable="HANSEI_OIDC_ROLE_MAP"
    ).items():
        for role in values:
            _check_role(role, variable="HANSEI_OIDC_ROLE_MAP")
        roles[group] = max(values, key=lambda role: ROLE_RANK[Role(role)])
    default_role = settings.OIDC_DEFAULT_ROLE
    _check_role(default_role, variable="HANSEI_OIDC_DEFAULT_ROLE")
    return Mapping(
        teams=parse_mapping(settings.OIDC_TEAM_MAP, variable="HANSEI_OIDC_TEAM_MAP"),
        roles=roles,
        default_role=default_role,
    )


def _check_role(role: str, *, variable: str) -> None:
    if role not in Role.values:
        raise ImproperlyConfigured(f"{variable}: {role!r} is not a role ({', '.join(Role.values)})")
