"""Invitations by e-mail link, and password reset links.

An invitation's link carries ``<id>/<secret>``; the secret is an HMAC of the row under the
server's secret key (``salted_hmac``), computed when the e-mail is written, so neither the
database nor the job queue holds anything that accepts it. Sending again makes a new secret
(the row's times change) and the old link stops working; so do accepting, revoking and
expiry. A password reset link is Django's (``default_token_generator``): it stops working once
the password changes or the person signs in.

E-mails are queued jobs (written inside the caller's transaction, composed when sent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import INVITATION_DAYS, Invitation, Role, Team, User
from hansei.accounts.services import create_user
from hansei.core import audit
from hansei.core.jobs import enqueue

_SALT = "hansei.accounts.invitation"


def invitation_secret(invitation: Invitation) -> str:
    basis = f"{invitation.pk}:{invitation.email}:{invitation.created_at.isoformat()}"
    return salted_hmac(_SALT, basis, algorithm="sha256").hexdigest()[:40]


def invitation_url(invitation: Invitation) -> str:
    path = reverse("accounts:invitation", args=[invitation.pk, invitation_secret(invitation)])
    return settings.BASE_URL + path


def find_invitation(pk: int, secret: str) -> Invitation | None:
    """The pending invitation the link names, or None (wrong, used, revoked or expired)."""
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None or not constant_time_compare(secret, invitation_secret(invitation)):
        return None
    return invitation if invitation.is_pending(timezone.now()) else None


def _check_invitee(email: str, role: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter an e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this address.")})
    return email


@transaction.atomic
def invite_person(*, actor: User, email: str, role: str, teams: list[Team]) -> Invitation:
    """Invite ``email``; an earlier pending invitation to the same address is replaced."""
    access.require(access.can_administer(actor), _("Only admins invite people."))
    email = _check_invitee(email, role)
    now = timezone.now()
    Invitation.objects.pending(now).filter(email__iexact=email).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    invitation.teams.set(teams)
    enqueue("accounts.invitation_email", {"invitation": invitation.pk})
    audit.record(
        "user.invited",
        actor=actor,
        target_type="invitation",
        target_id=invitation.pk,
        target_name=email,
        detail=f"{role}; teams: {', '.join(sorted(t.slug for t in teams)) or '-'}",
    )
    return invitation


@transaction.atomic
def resend_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """A fresh link, valid for another week; the old link stops working."""
    access.require(access.can_administer(actor), _("Only admins invite people."))
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    now = timezone.now()
    current.created_at, current.expires_at, current.revoked_at = (
        now,
        now + timedelta(days=INVITATION_DAYS),
        None,
    )
    current.save(update_fields=["created_at", "expires_at", "revoked_at"])
    enqueue("accounts.invitation_email", {"invitation": current.pk})
    audit.record("user.invited", actor=actor, target_type="invitation",
                 target_id=current.pk, target_name=current.email, detail="sent again")  # fmt: skip
    return current


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    access.require(access.can_administer(actor), _("Only admins invite people."))
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None)
    if updated.update(revoked_at=timezone.now()):
        audit.record("user.invitation_revoked", actor=actor, target_type="invitation",
                     target_id=invitation.pk, target_name=invitation.email)  # fmt: skip


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, username: str, display_name: str, password: str | None
) -> User:
    """The invited person chooses a user name and a password (None: single sign-on only):
    their account, with the invitation's role and teams. A link used twice at once makes one
    account."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not current.is_pending(timezone.now()):
        raise ValidationError(_("This invitation is no longer valid: ask an admin for a new one."))
    user = create_user(
        username=username,
        email=current.email,
        password=password,
        role=current.role,
        display_name=display_name.strip()[:150],
        teams=list(current.teams.all()),
        actor=None,
    )
    current.accepted_at, current.accepted_by = timezone.now(), user
    current.save(update_fields=["accepted_at", "accepted_by"])
    audit.record("user.invitation_accepted", actor=user, target=user, detail=current.email)
    return user


# --- password reset --------------------------------------------------------------------------


def can_reset_password(user: User) -> bool:
    """Only active people who sign in with a password (not single sign-on only)."""
    return user.is_active and user.has_usable_password() and bool(user.email)


def request_password_reset(*, email: str) -> None:
    """Someone on the sign-in page forgot their password: a link goes to ``email`` if it is
    the address of a person who signs in with a password. The answer is the same either way,
    so the page does not reveal who has an account."""
    for user in User.objects.filter(email__iexact=email.strip()):
        if can_reset_password(user):
            enqueue("accounts.password_reset_email", {"user": user.pk})
            audit.record("user.password_reset_requested", target=user)


@transaction.atomic
def send_password_reset(*, actor: User, user: User) -> None:
    """An admin sends someone a link to choose a new password."""
    access.require(access.can_administer(actor), _("Only admins change people."))
    if not can_reset_password(user):
        raise ValidationError(
            _("%(name)s signs in through single sign-on or has no e-mail address.")
            % {"name": user.name}
        )
    enqueue("accounts.password_reset_email", {"user": user.pk})
    audit.record("user.password_reset_requested", actor=actor, target=user)


@transaction.atomic
def change_own_password(*, actor: User, password: str) -> None:
    """``password`` was checked by Django's password forms (old password, validators)."""
    actor.set_password(password)
    actor.save(update_fields=["password"])
    audit.record("user.password_changed", actor=actor, target=actor, detail="by themselves")


# --- the e-mails (jobs) ----------------------------------------------------------------------


def send_invitation_email(payload: dict[str, Any]) -> None:
    invitation = (
        Invitation.objects.select_related("invited_by")
        .filter(pk=_id(payload, "invitation"))
        .first()
    )
    if invitation is None or not invitation.is_pending(timezone.now()):
        return  # revoked or accepted before the e-mail went out
    inviter = invitation.invited_by
    language = (inviter.language if inviter else "") or settings.LANGUAGE_CODE
    context = {
        "inviter": inviter.name if inviter else "Hansei",
        "url": invitation_url(invitation),
        "expires_at": invitation.expires_at,
        "teams": [team.name for team in invitation.teams.all()],
    }
    _send(invitation.email, "accounts/email/invitation", context, language)


def send_password_reset_email(payload: dict[str, Any]) -> None:
    user = User.objects.filter(pk=_id(payload, "user")).first()
    if user is None or not can_reset_password(user):
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"name": user.name, "username": user.username, "url": settings.BASE_URL + path}
    _send(user.email, "accounts/email/password_reset", context, user.language or "")


def _id(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    return value if isinstance(value, int) else 0  # a malformed job finds nothing


def _send(to: str, base: str, context: dict[str, Any], language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{base}_subject.txt", context, using="text").strip()
        body = render_to_string(f"{base}.txt", context, using="text")
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send(fail_silently=False)
