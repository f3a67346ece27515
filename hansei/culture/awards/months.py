"""A round's month and its default voting window (the server's time zone)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

VOTING_DAYS = 7
# Months anyone may ask for: their neighbours are dates too (date(10000, 1, 1) is not).
FIRST_YEAR, LAST_YEAR = 1900, 9998


def month_named(year: int, number: int) -> date | None:
    """The month ``year``-``number``; None when that is not one (or out of range)."""
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= number <= 12:
        return None
    return date(year, number, 1)


def month_parsed(text: str) -> date | None:
    """The month written ``YYYY-MM`` (or ``YYYY-M``); None for anything else."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
    return month_named(int(found[1]), int(found[2])) if found else None


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def default_window(month: date) -> tuple[datetime, datetime]:
    """From the first day of the next month, for ``VOTING_DAYS`` days."""
    opens = timezone.make_aware(datetime.combine(next_month(month), time.min))
    return opens, opens + timedelta(days=VOTING_DAYS)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month from its first moment to the next month's first (the server's time zone)."""
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    return start, timezone.make_aware(datetime.combine(next_month(month), time.min))
