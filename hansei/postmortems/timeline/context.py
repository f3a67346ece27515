"""What the timeline card on the postmortem page shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.timeline.forms import TimelineEntryForm
from hansei.postmortems.timeline.models import TimelineEntry
from hansei.postmortems.timeline.window import default_entry_time


def _default_time(incidents: list[Incident], entries: list[TimelineEntry]) -> datetime:
    when = default_entry_time(incidents, [e.occurred_at for e in entries])
    return timezone.localtime(when).replace(second=0, microsecond=0)


def timeline_context(
    request: AuthedRequest, postmortem: Postmortem, **extra: Any
) -> dict[str, Any]:
    entries = list(postmortem.timeline.all())
    incidents = list(postmortem.incidents.all())
    show_all = request.GET.get("timeline") == "all" or extra.pop("show_all", False)
    return {
        "postmortem": postmortem,
        "entries": entries if show_all else [e for e in entries if e.is_key_event],
        "entry_count": len(entries),
        "key_count": sum(1 for e in entries if e.is_key_event),
        "show_all": show_all,
        "editing": access.can_change_draft(request.user, postmortem),
        "timeline_form": extra.pop("timeline_form", None)
        or TimelineEntryForm(
            incidents=incidents,
            initial={"occurred_at": _default_time(incidents, entries)},
        ),
        **extra,
    }
