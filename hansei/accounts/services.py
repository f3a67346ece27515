"""Every change to accounts a user can make themselves: API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei.accounts import access
from hansei.accounts.models import ApiToken, User, hash_token

MAX_TOKENS_PER_USER = 50


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
    access.require(
        token.user_id == actor.pk or access.can_administer(actor),
        _("This token is not yours."),
    )
    token.delete()
