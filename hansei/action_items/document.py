"""The action items in a postmortem's published revision and its Markdown export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hansei.action_items.models import ActionItem, ActionKind, ActionStatus
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.parts import SnapshotPart
from hansei.postmortems.document.snapshot import choice_label
from hansei.postmortems.template_library.models import SectionKind


def snapshot_data(postmortem: Postmortem) -> list[dict[str, Any]]:
    items = ActionItem.objects.filter(postmortem=postmortem).select_related("owner")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "type": a.kind,
            "owner": a.owner.name if a.owner else None,
            "priority": a.priority,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "tracking_url": a.tracking_url,
        }
        for a in items
    ]


def markdown_table(items: list[dict[str, Any]]) -> list[str]:
    header = [
        _("Priority"),
        _("Type"),
        _("Action"),
        _("Owner"),
        _("Due"),
        _("Status"),
        _("Tracking issue"),
    ]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for a in items:
        cells = [
            a["priority"],
            choice_label(ActionKind, a["type"]),
            a["title"],
            a["owner"] or "",
            a["due_date"] or "",
            choice_label(ActionStatus, a["status"]),
            a["tracking_url"],
        ]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return rows


SNAPSHOT_PART = SnapshotPart(
    key="action_items",
    data=snapshot_data,
    markdown=markdown_table,
    section_kind=SectionKind.ACTION_ITEMS,
    empty=[],
)
