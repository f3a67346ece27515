"""Action items as CSV, for a spreadsheet or a report.

A cell that begins with = + - @ (or a tab or carriage return) is written with a leading
apostrophe, so a spreadsheet shows it as text and never runs it as a formula (OWASP's CSV
injection advice); everything else is written as it is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem
from hansei.core.http import absolute_url

HEADER = [
    "id",
    "url",
    "postmortem",
    "team",
    "title",
    "type",
    "priority",
    "owner",
    "due_date",
    "status",
    "overdue",
    "completed_at",
    "tracker_issue",
    "tracker_state",
    "tracking_url",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def row_of(item: ActionItem, reader: User) -> list[str]:
    try:
        link = item.tracker_link
    except ObjectDoesNotExist:
        link = None
    values = [
        item.pk,
        absolute_url(reverse("action_items:edit", args=[item.pk])),
        access.title_shown_to(reader, item.postmortem),
        item.postmortem.team.name,
        item.title,
        item.kind,
        item.priority,
        item.owner.username if item.owner else "",
        item.due_date.isoformat() if item.due_date else "",
        item.status,
        "yes" if item.is_overdue() else "no",
        item.completed_at.isoformat() if item.completed_at else "",
        link.key if link else "",
        link.remote_state if link else "",
        item.tracking_url,
    ]
    return [cell(value) for value in values]


def csv_lines(items: Iterable[ActionItem], reader: User) -> Iterator[str]:
    """The CSV text, one line at a time (a BOM first, so spreadsheets read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(HEADER)
    for item in items:
        writer.writerow(row_of(item, reader))
        if buffer.tell() > 8192:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
