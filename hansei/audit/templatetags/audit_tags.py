from __future__ import annotations

import json
from typing import Any

from django import template

from hansei.audit.queries import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_changes(changes: Any) -> list[tuple[str, str]]:
    """``[(field, "old → new")]`` for the page; other shapes shown as JSON."""
    if not isinstance(changes, dict):
        return []
    shown = []
    for name, value in changes.items():
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            old = "—" if value["from"] in (None, "", []) else _text(value["from"])
            shown.append((str(name), f"{old} → {_text(value['to'])}"))
        else:
            shown.append((str(name), _text(value)))
    return shown


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    return json.dumps(value, ensure_ascii=False)
