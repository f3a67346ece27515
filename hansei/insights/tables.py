"""Every figure as a table: shown under its chart ("Show as table") and written as CSV.

The page shows formatted values in the reader's language; the CSV keeps them raw (counts,
percentages as numbers, durations in seconds, dates as ISO 8601) under stable English column
keys, for spreadsheets and scripts. Cells that a spreadsheet would run as a formula are
quoted, as in the action items' export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.utils import formats

from hansei.action_items.export import cell
from hansei.core.dates import format_duration

Kind = Literal["text", "count", "percent", "duration", "date"]
Value = str | int | float | date | None
NUMBERS = ("count", "percent", "duration")  # right-aligned


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header
    label: str  # the table's header
    kind: Kind = "count"

    @property
    def numeric(self) -> bool:
        """Right-aligned in the table."""
        return self.kind in NUMBERS


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[list[Value]]

    def shown(self) -> list[list[tuple[str, bool]]]:
        """Each cell as the page shows it, with whether it is a number (right-aligned)."""
        return [
            [
                (shown_value(value, column.kind), column.numeric)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]

    def csv_lines(self) -> Iterator[str]:
        """The CSV text (a BOM first, so spreadsheets read UTF-8)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([column.key for column in self.columns])
        for row in self.rows:
            writer.writerow([cell(raw_value(value)) for value in row])
        yield "\ufeff" + buffer.getvalue()


def shown_value(value: Value, kind: Kind) -> str:
    if value is None:
        return "—"
    if kind == "percent" and isinstance(value, int | float):
        return f"{formats.number_format(value, 1)} %"
    if kind == "duration" and isinstance(value, int | float):
        return format_duration(timedelta(seconds=value))
    if kind == "date" and isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == "count" and isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


def raw_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)
