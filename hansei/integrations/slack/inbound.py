"""Reading what Slack sends, defensively: a signed request is from Slack, but its fields carry
what people typed (any text, any length, odd Unicode) and shapes Slack may change."""

from __future__ import annotations

import unicodedata

# Unicode categories no text of ours keeps: control characters, lone surrogates.
BAD = ("Cc", "Cs")


def clean(value: object, limit: int = 4000) -> str:
    """A string field as text that every database stores and every encoder writes: anything
    but a string is empty; lone surrogates (JSON's "\\ud800"), NULs and other control
    characters but newlines and tabs are dropped; it is cut at ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    kept = (c for c in value[: limit * 2] if c in "\n\t" or unicodedata.category(c) not in BAD)
    return "".join(kept)[:limit]


def dig(data: object, *path: str) -> object:
    """``data[path[0]][path[1]]...``, or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
