"""What the postmortem page needs to open the live document."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hansei import access
from hansei.collab.live.broadcast import room_name
from hansei.collab.live.presence import user_color
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem


def live_strings() -> dict[str, str]:
    return {
        "connecting": _("Connecting…"),
        "saved": _("All changes saved"),
        "saving": _("Saving…"),
        "offline": _("Offline: your edits are kept and will sync"),
        "readonly": _("Read-only"),
        "reconnected": _("Back online"),
        "comment": _("Comment"),
        "you": _("you"),
        "in_section": _("in %(section)s"),
        "unsaved": _("Some edits are not saved yet."),
        "unavailable": _("Live editing is unavailable: save each section with its button."),
        "lint_suggestion": _("Suggestion:"),
        "lint_why": _("Why:"),
        "lint_reason": _("Reason for dismissing"),
        "lint_dismiss": _("Dismiss"),
        "lint_dismissed": _("Dismissed"),
        "lint_error": _("Could not dismiss it. Try again."),
    }


def live_context(request: AuthedRequest, postmortem: Postmortem) -> dict[str, Any]:
    if not access.can_join_live_document(request.user, postmortem):
        return {"enabled": False}
    can_write = access.can_change_draft(request.user, postmortem)
    return {
        "enabled": True,
        "can_write": can_write,
        "readonly": not can_write,
        "room": room_name(postmortem.pk),
        "color": user_color(request.user.pk),
        "strings": live_strings(),
    }
