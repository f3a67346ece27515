from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The times Hansei keeps: earlier or later ones cannot always be written in UTC (year 1 at
# +09:00 is year 0 there) nor have a next day.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)


def is_keepable(moment: datetime) -> bool:
    """Whether ``moment`` (aware) lies between the years 1900 and 9998."""
    try:
        return EARLIEST <= moment.astimezone(UTC) <= LATEST
    except (OverflowError, ValueError):
        return False


def keepable(moment: datetime) -> datetime:
    """``moment`` (aware) if it lies between the years 1900 and 9998; ValidationError if not."""
    if not is_keepable(moment):
        raise ValidationError(
            _("%(time)s is not a time Hansei keeps: give one from 1900 to 9998.")
            % {"time": moment.strftime("%Y-%m-%d %H:%M")},
            code="out_of_range",
        )
    return moment


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
