"""The draft's history: automatic versions of the text, taken at every state change and
periodically while people write live."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from hansei.accounts.models import User
from hansei.postmortems.models import Postmortem, Version


@transaction.atomic
def record_version(
    *, postmortem: Postmortem, reason: str, actor: User | None = None, note: str = ""
) -> Version:
    """Snapshot the title and every section's text as they are in the database now (callers
    bring the live text into the database first, see ``collab.store.materialize_sections``)."""
    sections = {
        key: body
        for key, body in postmortem.sections.order_by("position", "id").values_list("key", "body")
    }
    last = Version.objects.filter(postmortem=postmortem).aggregate(n=Max("number"))["n"] or 0
    return Version.objects.create(
        postmortem=postmortem,
        number=last + 1,
        reason=reason,
        title=postmortem.title,
        sections=sections,
        note=note[:300],
        actor=actor,
    )
