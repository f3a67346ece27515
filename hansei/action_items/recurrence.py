"""Did the fix hold? A done action item names the contributing factors and the services it
addresses. When a later postmortem records one of those factors (its category) on one of
those services, for an incident that began after the item was done, the fix did not hold: a
``Recurrence`` links the item to the later postmortem, both pages show it, and the later
draft asks why.

Kept up to date from both sides: a postmortem's analysis or incidents change (its factors,
its services), or an item changes (what it addresses, whether and when it was done). Rows
that no longer match are removed, so the record is always what the data says now."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Min

from hansei.action_items.models import ActionItem, ActionStatus, Recurrence
from hansei.incidents.models import Service
from hansei.postmortems.document.models import Postmortem


def _began(postmortem: Postmortem) -> datetime:
    """When the postmortem's trouble began: its earliest incident, else its creation."""
    first = postmortem.incidents.aggregate(first=Min("started_at"))["first"]
    return first or postmortem.created_at


def _matches_in(postmortem: Postmortem) -> dict[int, tuple[int, int]]:
    """Done items of other postmortems whose fix this postmortem says recurred: item id →
    (the factor category, the service) that show it."""
    categories = set(
        postmortem.contributing_factors.exclude(category=None).values_list("category", flat=True)
    )
    services = set(
        Service.objects.filter(incidents__postmortem=postmortem).values_list("pk", flat=True)
    )
    if not categories or not services:
        return {}
    items = (
        ActionItem.objects.filter(
            status=ActionStatus.DONE,
            completed_at__lte=_began(postmortem),
            addresses_factors__in=categories,
            addresses_services__in=services,
        )
        .exclude(postmortem=postmortem)
        .distinct()
        .prefetch_related("addresses_factors", "addresses_services")
    )
    found = {}
    for item in items:
        factor = min(c.pk for c in item.addresses_factors.all() if c.pk in categories)
        service = min(s.pk for s in item.addresses_services.all() if s.pk in services)
        found[item.pk] = (factor, service)
    return found


@transaction.atomic
def sync_postmortem(postmortem: Postmortem) -> list[Recurrence]:
    """Bring the recurrences this postmortem shows in line with its factors and services."""
    wanted = _matches_in(postmortem)
    Recurrence.objects.filter(postmortem=postmortem).exclude(item_id__in=wanted).delete()
    have = set(Recurrence.objects.filter(postmortem=postmortem).values_list("item_id", flat=True))
    Recurrence.objects.bulk_create(
        [
            Recurrence(item_id=item, postmortem=postmortem, factor_id=factor, service_id=service)
            for item, (factor, service) in wanted.items()
            if item not in have
        ]
    )
    return list(Recurrence.objects.filter(postmortem=postmortem))


@transaction.atomic
def sync_item(item: ActionItem) -> None:
    """Bring the recurrences of one item in line with what it addresses and when it was
    done: every postmortem that records one of its factors on one of its services."""
    factors = list(item.addresses_factors.values_list("pk", flat=True))
    services = list(item.addresses_services.values_list("pk", flat=True))
    candidates: list[Postmortem] = []
    if item.status == ActionStatus.DONE and item.completed_at and factors and services:
        candidates = list(
            Postmortem.objects.filter(
                contributing_factors__category__in=factors, incidents__services__in=services
            )
            .exclude(pk=item.postmortem_id)
            .distinct()
        )
    later = {p.pk: p for p in candidates if item.completed_at and _began(p) >= item.completed_at}
    Recurrence.objects.filter(item=item).exclude(postmortem_id__in=later).delete()
    for postmortem in later.values():
        sync_postmortem(postmortem)
