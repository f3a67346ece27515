"""What people type into the culture programs: trimmed, required, bounded."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def required_text(text: str, *, field: str, limit: int, missing: str) -> str:
    """``text`` trimmed; a ValidationError on ``field`` saying ``missing`` when it is empty,
    or how long it may be when it is longer than ``limit``."""
    value = (text or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(n)s characters.") % {"n": limit}}, code="too_long"
        )
    return value
