"""Presence (Yjs awareness) states, rebuilt by the server before they reach anyone.

Awareness states come from browsers, and every other browser in the room paints them: a name
into the page, a colour into a style, a cursor into the editor. So the server never relays what
a client sent; it relays a state it builds from the account and from the few fields it checks:

* ``user``: ``id``, ``name`` and ``color`` come from the account (a colour of our palette);
  ``colorLight`` is derived from that colour;
* ``section``: the key of the section the person is in (a slug), or null;
* ``cursor``: null, or ``{"anchor", "head"}``, each a Yjs relative position made of integers,
  a short type name and an association (-1 or 0); anything else drops the cursor.

Every other field is dropped.
"""

from __future__ import annotations

import re
from typing import Any

# Cursor colours, dark enough for white name labels (WCAG AA on 12px bold).
COLORS = ("#c2410c", "#1d4ed8", "#047857", "#7e22ce", "#be123c", "#0f766e", "#a16207", "#4338ca")
SECTION_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
MAX_NAME = 150
MAX_ID_PART = 2**53 - 1  # JavaScript's largest safe integer: Yjs client ids and clocks


def user_color(user_id: int) -> str:
    return COLORS[user_id % len(COLORS)]


def _yjs_id(value: Any) -> dict[str, int] | None:
    if not isinstance(value, dict) or set(value) != {"client", "clock"}:
        raise ValueError("not a Yjs id")
    client, clock = value["client"], value["clock"]
    for part in (client, clock):
        if type(part) is not int or not 0 <= part <= MAX_ID_PART:
            raise ValueError("not a Yjs id")
    return {"client": client, "clock": clock}


def _relative_position(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not set(value) <= {"type", "tname", "item", "assoc"}:
        raise ValueError("not a relative position")
    tname = value.get("tname")
    if tname is not None and (not isinstance(tname, str) or not SECTION_KEY.fullmatch(tname)):
        raise ValueError("not a section's text")
    assoc = value.get("assoc", 0)
    if type(assoc) is not int or assoc not in (-1, 0):
        raise ValueError("not an association")
    kind, item = value.get("type"), value.get("item")
    return {
        "type": None if kind is None else _yjs_id(kind),
        "tname": tname,
        "item": None if item is None else _yjs_id(item),
        "assoc": assoc,
    }


def _cursor(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    try:
        return {
            "anchor": _relative_position(value.get("anchor")),
            "head": _relative_position(value.get("head")),
        }
    except ValueError:
        return None


def clean_state(state: dict[str, Any], *, user_id: int, name: str) -> dict[str, Any]:
    """The state to keep and relay for a client of the account ``user_id`` named ``name``."""
    color = user_color(user_id)
    section = state.get("section")
    if not isinstance(section, str) or not SECTION_KEY.fullmatch(section):
        section = None
    user = {"id": user_id, "name": name[:MAX_NAME], "color": color, "colorLight": color + "33"}
    return {"user": user, "section": section, "cursor": _cursor(state.get("cursor"))}
