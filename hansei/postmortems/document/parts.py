"""What the apps above postmortems add to the postmortem as a document.

A postmortem is more than its own rows: it has action items, reviews, meeting notes. The
apps that own them sit above postmortems, so postmortems cannot import them. Instead each
one tells postmortems, from its ``AppConfig.ready()``, what it adds:

* a **snapshot part**: the data a published revision keeps of it (``data``) and, optionally,
  the Markdown lines an export shows of that data (``markdown``), placed either in the
  section of a given kind (action items in the "Action items" section) or after every
  section (review meeting notes)::

      parts.add_snapshot_part(parts.SnapshotPart(key="action_items", data=..., markdown=...,
                                                 section_kind=SectionKind.ACTION_ITEMS))

* a **publish check**: reasons a postmortem may not be published yet (empty when it may).
  Publishing fails closed: with no check registered, nothing is published, because
  "never without review" must not depend on an app having been loaded.

Registration happens once, at start-up; the registries are read-only afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.template_library.models import SectionKind

PublishCheck = Callable[[Postmortem], list[str]]


@dataclass(frozen=True)
class SnapshotPart:
    key: str  # its key in the snapshot: "action_items"
    data: Callable[[Postmortem], Any]
    # The export's Markdown lines for ``snapshot[key]``, in the postmortem's language.
    markdown: Callable[[Any], list[str]] | None = None
    # Where the Markdown goes: inside the section of this kind, or (None) after every section.
    section_kind: SectionKind | None = None
    # What a snapshot published before this part existed holds for it.
    empty: Any = None


_snapshot_parts: dict[str, SnapshotPart] = {}
_publish_checks: list[PublishCheck] = []


def add_snapshot_part(part: SnapshotPart) -> None:
    if part.key in _snapshot_parts and _snapshot_parts[part.key] != part:
        raise ValueError(f"Two snapshot parts named {part.key!r}.")
    _snapshot_parts[part.key] = part


def snapshot_parts() -> list[SnapshotPart]:
    return list(_snapshot_parts.values())


def add_publish_check(check: PublishCheck) -> None:
    if check not in _publish_checks:
        _publish_checks.append(check)


def publish_checks() -> list[PublishCheck]:
    if not _publish_checks:
        raise RuntimeError("No publish check is registered: is hansei.reviews installed?")
    return list(_publish_checks)
