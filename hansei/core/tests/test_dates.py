from __future__ import annotations

from datetime import date, timedelta

import pytest

from hansei.core.dates import add_business_days, format_duration

MONDAY = date(2025, 1, 6)
FRIDAY = date(2025, 1, 3)
SATURDAY = date(2025, 1, 4)
SUNDAY = date(2025, 1, 5)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 1, date(2025, 1, 7)),
        (MONDAY, 4, date(2025, 1, 10)),
        (MONDAY, 5, date(2025, 1, 13)),
        (FRIDAY, 1, MONDAY),
        (FRIDAY, 5, date(2025, 1, 10)),
        (SATURDAY, 1, MONDAY),
        (SUNDAY, 1, MONDAY),
        (SUNDAY, 5, date(2025, 1, 10)),
        (MONDAY, 10, date(2025, 1, 20)),
        (MONDAY, 0, MONDAY),
        (date(2024, 12, 31), 3, date(2025, 1, 3)),
    ],
)
def test_it_adds_business_days_skipping_weekends(start, days, expected):
    assert add_business_days(start, days) == expected


def test_the_result_is_never_on_a_weekend():
    for offset in range(14):
        for days in range(1, 12):
            assert add_business_days(MONDAY + timedelta(days=offset), days).weekday() < 5


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (None, "—"),
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=12, seconds=30), "12m"),
        (timedelta(hours=3, minutes=5), "3h 05m"),
        (timedelta(days=2, hours=4, minutes=59), "2d 4h"),
        (timedelta(minutes=-90), "-1h 30m"),
    ],
)
def test_it_formats_durations_compactly(delta, text):
    assert format_duration(delta) == text
