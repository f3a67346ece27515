"""A published revision shaped like the live objects, for readers who must not see a draft.

While an amendment is drafted, readers outside it read the latest published revision
(``access.revision_shown_instead``). The API answers them with the same schemas as the live
objects, built from that revision's frozen snapshot, so nothing the draft changed reaches them.

Snapshots frozen before they carried row ids give their rows negative ids (-1, -2, ...): such a
row may no longer exist, and a negative id can never name a live one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hansei.postmortems.document.models import Postmortem, Revision


def _row_id(entry: dict[str, Any], index: int) -> int:
    value = entry.get("id")
    return value if isinstance(value, int) else -(index + 1)


def _when(value: Any, revision: Revision) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return revision.published_at


def sections(postmortem: Postmortem, revision: Revision) -> list[dict[str, Any]]:
    """The revision's sections, with the help text and flags of the postmortem's template."""
    live = {s.key: s for s in postmortem.sections.all()}
    shaped = []
    for position, section in enumerate(revision.snapshot.get("sections") or []):
        current = live.get(section.get("key", ""))
        shaped.append(
            {
                "key": section.get("key", ""),
                "title": section.get("title", ""),
                "help_text": current.help_text if current else "",
                "kind": section.get("kind", ""),
                "required": current.required if current else False,
                "position": position,
                "body": section.get("body", ""),
                "updated_at": revision.published_at,
            }
        )
    return shaped


def timeline(revision: Revision) -> list[dict[str, Any]]:
    return [
        {
            "id": _row_id(entry, index),
            "occurred_at": _when(entry.get("occurred_at"), revision),
            "text": entry.get("text", ""),
            "kind": entry.get("kind", "event"),
            "is_key_event": bool(entry.get("is_key_event")),
            "link_url": entry.get("link_url") or "",
            "source": entry.get("source") or "",
        }
        for index, entry in enumerate(revision.snapshot.get("timeline") or [])
    ]


def impact(revision: Revision) -> dict[str, Any] | None:
    frozen = revision.snapshot.get("impact")
    if not frozen:
        return None
    return {**frozen, "updated_at": revision.published_at}


def contributing_factors(revision: Revision) -> list[dict[str, Any]]:
    return [
        {
            "id": _row_id(factor, index),
            "category": factor.get("category"),
            "description": factor.get("description", ""),
            "created_at": _when(factor.get("created_at"), revision),
        }
        for index, factor in enumerate(revision.snapshot.get("contributing_factors") or [])
    ]


def why_chains(revision: Revision) -> list[dict[str, Any]]:
    return [
        {
            "id": _row_id(chain, index),
            "problem": chain.get("problem", ""),
            "whys": list(chain.get("whys") or []),
            "created_at": _when(chain.get("created_at"), revision),
            "updated_at": _when(chain.get("updated_at"), revision),
        }
        for index, chain in enumerate(revision.snapshot.get("why_chains") or [])
    ]


def incident_ids(revision: Revision) -> list[int]:
    frozen = revision.snapshot.get("incidents") or []
    return [i["id"] for i in frozen if isinstance(i.get("id"), int)]
