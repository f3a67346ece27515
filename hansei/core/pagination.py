"""API list pages: one shape (``items``, ``total``, ``limit``, ``offset``) for every list.

An offset past ``MAX_OFFSET`` is refused (422), never sent to the database, which cannot hold
it (SQLite answers "datatype mismatch" above 2**63)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Query

MAX_OFFSET = 1_000_000_000


def offset_param() -> Any:
    """The ``offset`` query parameter of a list endpoint."""
    return Query(0, ge=0, le=MAX_OFFSET, description="How many to skip (at most 1,000,000,000).")


def api_page(
    rows: QuerySet[Any], *, limit: int, offset: int, each: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """One page of ``rows`` (already filtered and ordered), each row passed through ``each``."""
    items = list(rows[offset : offset + limit])
    return {
        "items": [each(row) for row in items] if each else items,
        "total": rows.count(),
        "limit": limit,
        "offset": offset,
    }
