from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from hansei.core.dates import format_duration
from hansei.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    """Render Markdown to sanitized HTML (safe: nh3 removed anything dangerous)."""
    return mark_safe(render_markdown(source or ""))


@register.filter
def duration(delta: timedelta | None) -> str:
    return format_duration(delta)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None
