"""Full-text search over published postmortems (the search helper replaces this file)."""

from __future__ import annotations

from typing import Any


def index_postmortem(postmortem: Any) -> None:
    """(Re)index the latest published revision of a postmortem."""
