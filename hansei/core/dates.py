from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _


def add_business_days(start: date, days: int) -> date:
    """``start`` plus ``days`` working days (Monday to Friday)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def format_duration(delta: timedelta | None) -> str:
    """A compact human duration: 45s, 12m, 3h 05m, 2d 4h."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        text = _("%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    elif hours:
        text = _("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": f"{minutes:02d}"}
    elif minutes:
        text = _("%(minutes)sm") % {"minutes": minutes}
    else:
        text = _("%(seconds)ss") % {"seconds": secs}
    return sign + text
