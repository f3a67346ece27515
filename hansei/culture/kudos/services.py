"""Kudos: thank someone for a postmortem they wrote or a review they gave.

Rules, one per line:

* the giver may read the postmortem; the person thanked is one ``access.thankable_for`` names
  (its writers for the writing, its reviewers for a review), never the giver;
* one kudos per giver, person, postmortem and reason (a second is refused, not doubled);
* the person thanked always hears of it; "announce" tells their teams too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.culture.announcements import announce_kudos
from hansei.culture.kudos.models import Kudos, KudosFor
from hansei.culture.text import required_text
from hansei.postmortems.document.models import Postmortem

MAX_MESSAGE = 500


@transaction.atomic
def give_kudos(
    *,
    actor: User,
    postmortem: Postmortem,
    receiver: User,
    kind: str,
    message: str,
    announce: bool = False,
) -> Kudos:
    access.require(access.can_thank(actor, postmortem))
    if kind not in KudosFor.values:
        raise ValidationError({"kind": _("Thank them for the writing or for a review.")})
    text = required_text(
        message,
        field="message",
        limit=MAX_MESSAGE,
        missing=_("Say what you are thanking them for."),
    )
    if receiver.pk == actor.pk:
        raise ValidationError({"receiver": _("Thank someone else.")})
    if not access.thankable_for(postmortem, kind).filter(pk=receiver.pk).exists():
        raise ValidationError({"receiver": _not_theirs(receiver, kind)})
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(
                giver=actor,
                receiver=receiver,
                postmortem=postmortem,
                kind=kind,
                message=text,
                announced=bool(announce),
                created_at=timezone.now(),  # called here: the demo's clock is its own
            )
    except IntegrityError as exc:
        raise ValidationError(_("You already thanked them for this.")) from exc
    announce_kudos(kudos)
    return kudos


def _not_theirs(receiver: User, kind: str) -> str:
    if kind == KudosFor.WRITING:
        return _("%(name)s did not write this postmortem.") % {"name": receiver.name}
    return _("%(name)s did not review this postmortem.") % {"name": receiver.name}
