"""The action-items panel of a postmortem's page (and of its review page): what it shows and
who may add to it. The pages show it with ``{% action_items_panel postmortem %}``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.forms import ActionItemForm, CarryOverForm
from hansei.action_items.models import ActionStatus, CarriedItem, Recurrence
from hansei.postmortems.document.models import Postmortem


def panel_context(
    user: User, postmortem: Postmortem, *, action_form: ActionItemForm | None = None
) -> dict[str, Any]:
    """``action_form`` None: an empty form (after a failed add, the one with its errors).

    Besides the postmortem's own items: the fixes of earlier postmortems that did not hold
    here (this draft asks why), where each of its own fixes recurred later, and the open
    items carried over from earlier postmortems; of each, only what ``user`` may see."""
    visible = access.action_items_visible_to(user)
    readable = access.postmortems_visible_to(user)
    items = list(postmortem.action_items.select_related("owner"))
    recurred_later = _group(
        Recurrence.objects.filter(item__in=items, postmortem__in=readable).select_related(
            "postmortem", "factor", "service"
        )
    )
    for item in items:
        item.recurred_in = recurred_later.get(item.pk, [])  # type: ignore[attr-defined]
    editing = access.can_change_draft(user, postmortem)
    carried = list(
        CarriedItem.objects.filter(postmortem=postmortem, item__in=visible).select_related(
            "item", "item__owner", "item__postmortem"
        )
    )
    recurred_here = list(
        Recurrence.objects.filter(postmortem=postmortem, item__in=visible).select_related(
            "item", "item__postmortem", "factor", "service"
        )
    )
    elsewhere = {c.item.postmortem_id for c in carried} | {
        r.item.postmortem_id for r in recurred_here
    }
    return {
        "postmortem": postmortem,
        "items": items,
        "recurred_here": recurred_here,
        "carried": carried,
        "carry_form": CarryOverForm(user=user, postmortem=postmortem) if editing else None,
        # Of the other postmortems shown, those the reader may open (one query).
        "readable": set(readable.filter(pk__in=elsewhere).values_list("pk", flat=True)),
        "editing": editing,
        "action_form": action_form or ActionItemForm(team=postmortem.team),
        "today": timezone.localdate(),
    }


def reading_context(
    user: User, postmortem: Postmortem, published: list[dict[str, Any]]
) -> dict[str, Any]:
    """The items of the reading view: those the document holds (``published``, the
    snapshot's), each with its state today: a reader of a revision published months ago sees
    which fixes were done since, which recurred, and where each is tracked."""
    live = {
        item.pk: item
        for item in postmortem.action_items.select_related("owner").filter(
            pk__in=[entry.get("id") for entry in published if isinstance(entry.get("id"), int)]
        )
    }
    readable = access.postmortems_visible_to(user)
    recurred_later = _group(
        Recurrence.objects.filter(item__in=live.values(), postmortem__in=readable).select_related(
            "postmortem"
        )
    )
    rows = []
    for entry in published:
        item = live.get(entry.get("id"))  # type: ignore[arg-type]
        if item is not None:
            item.recurred_in = recurred_later.get(item.pk, [])  # type: ignore[attr-defined]
        status = str(dict(ActionStatus.choices).get(str(entry.get("status")), entry.get("status")))
        rows.append({"published": entry, "item": item, "published_status": status})
    visible = access.action_items_visible_to(user)
    carried = CarriedItem.objects.filter(postmortem=postmortem, item__in=visible).select_related(
        "item", "item__owner", "item__postmortem"
    )
    return {"rows": rows, "carried": list(carried), "postmortem": postmortem}


def _group(rows: Any) -> dict[int, list[Recurrence]]:
    grouped: dict[int, list[Recurrence]] = {}
    for row in rows:
        grouped.setdefault(row.item_id, []).append(row)
    return grouped
