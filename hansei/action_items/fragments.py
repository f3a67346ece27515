"""The action-items panel of a postmortem's page (and of its review page): what it shows and
who may add to it. The pages show it with ``{% action_items_panel postmortem %}``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.forms import ActionItemForm
from hansei.postmortems.document.models import Postmortem


def panel_context(
    user: User, postmortem: Postmortem, *, action_form: ActionItemForm | None = None
) -> dict[str, Any]:
    """``action_form`` None: an empty form (after a failed add, the one with its errors)."""
    return {
        "postmortem": postmortem,
        "items": list(postmortem.action_items.select_related("owner")),
        "editing": access.can_change_draft(user, postmortem),
        "action_form": action_form or ActionItemForm(),
        "today": timezone.localdate(),
    }
