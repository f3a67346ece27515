from __future__ import annotations

import hashlib
import secrets
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    REVIEWER = "reviewer", _("Reviewer")


def normalize_username(username: str) -> str:
    """The one spelling of a user name, used wherever users are created and at every sign-in:
    compatibility-normalized (NFKC: fullwidth ``ｅｍｍａ`` is ``emma``), without surrounding
    whitespace, case-folded (``EMMA`` is ``emma``). Sign-in throttling counts failures per
    normalized name, so no spelling of a name gets a counter of its own."""
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return unicodedata.normalize("NFKC", folded)


class HanseiUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """How every password sign-in finds its user (Django's ModelBackend, the admin site,
        ``createsuperuser``'s uniqueness check): by the normalized name."""
        return self.get(username=normalize_username(username or ""))

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person. ``role`` says what they may do; team memberships say where.

    The role is the source of truth: admins are Django superusers (the admin site is theirs),
    nobody else is. The username is stored normalized (``normalize_username``).
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("", _("Browser default")), *settings.LANGUAGES],
    )

    objects: ClassVar[HanseiUserManager] = HanseiUserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        # Django calls this in UserManager.create_user and in AbstractUser.clean (model forms).
        return normalize_username(username) if isinstance(username, str) else username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = normalize_username(self.username)
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def zone(self) -> ZoneInfo:
        """Their time zone: the server's if they chose none or one this machine does not
        know."""
        try:
            return ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            return ZoneInfo(settings.TIME_ZONE)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def can_write(self) -> bool:
        return self.is_active and self.role in (Role.ADMIN, Role.MEMBER)

    def team_ids(self) -> set[int]:
        cached: set[int] | None = getattr(self, "_team_ids", None)
        if cached is None:
            cached = set(self.memberships.values_list("team_id", flat=True))
            self._team_ids = cached
        return cached


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        User, through="Membership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def leads(self) -> QuerySet[User]:
        return self.members.filter(memberships__team=self, memberships__is_lead=True)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(_("team lead"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


TOKEN_PREFIX = "hansei_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class SsoIdentity(models.Model):
    """Who a person is at an OpenID Connect provider: the token's issuer and subject (``sub``).
    Single sign-on finds people by this first, so a changed email or user name at the provider
    still signs in the same person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_sso_identity")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


INVITATION_DAYS = 7


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self, now: Any) -> InvitationQuerySet:
        """Not accepted, not revoked, not expired (the table form of ``is_pending``)."""
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)


class Invitation(models.Model):
    """An admin asked someone to join by e-mail. The link's secret is an HMAC of the row
    under the server's secret key, made when the e-mail is written: the database alone cannot
    accept an invitation. It works once, until it expires or an admin revokes it."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def is_pending(self, now: Any) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
