"""Read chat history (Slack exports, chat logs, CSV) into timeline lines. Plain Python."""

from __future__ import annotations

from hansei.postmortems.timeline.importers.common import (
    MAX_BYTES,
    MAX_LINES,
    MAX_TEXT,
    ChatLine,
    ParseError,
    Window,
    apply_roles,
    suggest_roles,
)
from hansei.postmortems.timeline.importers.reading import parse

__all__ = [
    "MAX_BYTES",
    "MAX_LINES",
    "MAX_TEXT",
    "ChatLine",
    "ParseError",
    "Window",
    "apply_roles",
    "parse",
    "suggest_roles",
]
