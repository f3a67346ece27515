"""The one guard of every write to a postmortem's draft: may this actor change it now?"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.errors import InvalidState
from hansei.postmortems.document.models import Postmortem, Status


def lock_editable_postmortem(
    *,
    actor: User,
    postmortem_id: int,
    rule: Callable[[User, Postmortem], bool] = access.can_edit_postmortem,
    refusal: str = "",
) -> Postmortem:
    """The postmortem, its row locked until the transaction ends, if ``actor`` may change its
    draft now: allowed by ``rule`` (refused with ``refusal``), and a draft. Every write to a
    draft's content starts here, so a submission or publication made meanwhile is never
    undone by a write that read the row before it."""
    postmortem = Postmortem.objects.select_for_update().get(pk=postmortem_id)
    access.require(rule(actor, postmortem), refusal)
    if not postmortem.is_editable:
        if postmortem.status == Status.PUBLISHED:
            raise InvalidState(_("It is published: start an amendment to change it."))
        raise InvalidState(_("It is in review: it can change again once it is back in draft."))
    return postmortem
