"""An invitation and a password reset link, for the authorization matrix."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hansei.accounts.invitations import invitation_secret, invite_person


def invitation_ids(admin: Any) -> dict[str, Any]:
    """The ids the matrix's URLs take: a pending invitation (its id and link secret) and a
    password reset link of ``admin``."""
    invitation = invite_person(actor=admin, email="matrix@example.com", role="member", teams=[])
    return {
        "invitation_id": invitation.pk,
        "invitation_secret": invitation_secret(invitation),
        "invitation_action": "resend",
        "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
        "reset_token": default_token_generator.make_token(admin),
    }
