"""What a version keeps beside the text, and how two versions differ in it: the timeline
entries, the action items and the impact figures.

Versions recorded before these were kept hold an empty ``parts``; a comparison with one of
them says so rather than report everything as added. The comparison is plain data (kind,
label, before, after); templates escape it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from hansei.postmortems.document import parts
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.snapshot import impact_data

ITEM_FIELDS = {
    "title": gettext_lazy("title"),
    "status": gettext_lazy("status"),
    "owner": gettext_lazy("owner"),
    "priority": gettext_lazy("priority"),
    "due_date": gettext_lazy("due date"),
}
ENTRY_FIELDS = {
    "occurred_at": gettext_lazy("time"),
    "text": gettext_lazy("text"),
    "is_key_event": gettext_lazy("key event"),
}
FIGURES = {
    "affected_count": gettext_lazy("Affected"),
    "affected_unit": gettext_lazy("Unit"),
    "requests_failed_percent": gettext_lazy("Requests failed (%)"),
    "user_visible_minutes": gettext_lazy("User-visible impact (minutes)"),
    "support_tickets": gettext_lazy("Support tickets"),
    "revenue_impact": gettext_lazy("Revenue impact"),
    "revenue_currency": gettext_lazy("Currency"),
    "error_budget_percent": gettext_lazy("Error budget consumed (%)"),
    "notes": gettext_lazy("Notes on the figures"),
}


def tracked_parts(postmortem: Postmortem) -> dict[str, Any]:
    items_part = next((p for p in parts.snapshot_parts() if p.key == "action_items"), None)
    items = items_part.data(postmortem) if items_part is not None else []
    return {
        "timeline": [
            {
                "id": e.pk,
                "occurred_at": e.occurred_at.isoformat() if e.occurred_at else None,
                "text": e.text,
                "is_key_event": e.is_key_event,
            }
            for e in postmortem.timeline.all()
        ],
        "action_items": [{"id": i["id"], **{k: i.get(k) for k in ITEM_FIELDS}} for i in items],
        "impact": impact_data(postmortem) or {},
    }


@dataclass(frozen=True)
class Change:
    what: str  # "added", "removed", "changed"
    label: str  # the entry's text, the item's title, the figure's name
    details: tuple[tuple[str, str, str], ...] = ()  # (field, before, after)


@dataclass
class PartsDiff:
    known: bool  # both sides kept their parts
    timeline: list[Change] = field(default_factory=list)
    action_items: list[Change] = field(default_factory=list)
    figures: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.timeline or self.action_items or self.figures)


def compare_parts(old: dict[str, Any], new: dict[str, Any]) -> PartsDiff:
    if not old or not new:
        return PartsDiff(known=False)
    return PartsDiff(
        known=True,
        timeline=_rows(old.get("timeline", []), new.get("timeline", []), ENTRY_FIELDS, "text"),
        action_items=_rows(
            old.get("action_items", []), new.get("action_items", []), ITEM_FIELDS, "title"
        ),
        figures=_figures(old.get("impact") or {}, new.get("impact") or {}),
    )


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "—"
    return str(value)


def _rows(
    old: list[dict[str, Any]], new: list[dict[str, Any]], fields: dict[str, Any], name: str
) -> list[Change]:
    before = {row["id"]: row for row in old if "id" in row}
    after = {row["id"]: row for row in new if "id" in row}
    changes = [
        Change("added", _shown(row.get(name))) for pk, row in after.items() if pk not in before
    ]
    changes += [
        Change("removed", _shown(row.get(name))) for pk, row in before.items() if pk not in after
    ]
    for pk, row in after.items():
        if pk not in before:
            continue
        details = tuple(
            (str(label), _shown(before[pk].get(key)), _shown(row.get(key)))
            for key, label in fields.items()
            if before[pk].get(key) != row.get(key)
        )
        if details:
            changes.append(Change("changed", _shown(row.get(name)), details))
    return changes


def _figures(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return [
        Change("changed", str(label), ((str(label), _shown(old.get(key)), _shown(new.get(key))),))
        for key, label in FIGURES.items()
        if old.get(key) != new.get(key)
    ]
