"""CSV with a header row: time (or timestamp), author (or user, name; optional), text (or
message). Column names are case-insensitive; comma, semicolon or tab separated."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, tzinfo

from hansei.postmortems.timeline.importers.common import ChatLine, DayClock, ParseError, clip

TIME_COLUMNS = ("time", "timestamp")
AUTHOR_COLUMNS = ("author", "user", "name")
TEXT_COLUMNS = ("text", "message")
EXPECTED = "time (or timestamp), text (or message), and optionally author (or user, name)"


def parse(text: str, *, zone: tzinfo, reference: datetime) -> list[ChatLine]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ParseError("The CSV file is empty.")
    columns = {name.strip().lower(): i for i, name in enumerate(header)}
    when = _column(columns, TIME_COLUMNS)
    what = _column(columns, TEXT_COLUMNS)
    who = _column(columns, AUTHOR_COLUMNS)
    if when is None or what is None:
        found = ", ".join(name.strip() for name in header) or "none"
        raise ParseError(f"The CSV header must name the columns {EXPECTED}; found: {found}.")
    clock = DayClock(reference, zone)
    lines: list[ChatLine] = []
    failed: list[int] = []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        try:
            at = _time(row[when], zone, clock)
            body = row[what]
        except (ValueError, IndexError, OverflowError, OSError):  # OSError: a huge timestamp
            failed.append(number)
            continue
        if not body.strip():
            failed.append(number)
            continue
        author = row[who].strip() if who is not None and who < len(row) else ""
        lines.append(ChatLine(number, at, author, clip(body)))
    if failed:
        raise ParseError("Some rows have no readable time or no text.", failed)
    return lines


def _column(columns: dict[str, int], names: tuple[str, ...]) -> int | None:
    return next((columns[name] for name in names if name in columns), None)


def _time(value: str, zone: tzinfo, clock: DayClock) -> datetime:
    value = value.strip()
    if value.replace(".", "", 1).isdigit() and len(value) >= 9:  # Unix seconds
        return datetime.fromtimestamp(float(value), tz=UTC)
    if len(value) <= 8 and ":" in value:
        return clock.at(time.fromisoformat(value.zfill(5) if len(value) == 4 else value))
    parsed = datetime.fromisoformat(value.replace("/", "-"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
