"""Limits of API list pages: an offset past these is refused (422), never sent to the database,
which cannot hold it (SQLite answers "datatype mismatch" above 2**63)."""

from __future__ import annotations

MAX_OFFSET = 1_000_000_000
