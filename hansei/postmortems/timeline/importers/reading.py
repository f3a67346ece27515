"""Reading any supported input: which format it is, and every message in time order."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from hansei.core.dates import is_keepable
from hansei.postmortems.timeline.importers import chatlog, csvlog, slack
from hansei.postmortems.timeline.importers.common import MAX_BYTES, ChatLine, ParseError


def parse(
    data: bytes | str,
    *,
    fmt: str = "auto",
    zone: tzinfo,
    reference: datetime,
    users_json: str = "",
    filename: str = "",
) -> list[ChatLine]:
    """Every message of the input, in time order. Raises ParseError."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"The input is too large (at most {MAX_BYTES // (1024 * 1024)} MB).")
    if isinstance(data, bytes) and data[:2] == b"PK":
        lines = slack.parse_zip(data)
    else:
        text = _decode(data)
        kind = fmt if fmt != "auto" else detect(text)
        if kind == "slack":
            lines = slack.parse_day(text, users_json=users_json, name=filename)
        elif kind == "csv":
            lines = csvlog.parse(text, zone=zone, reference=reference)
        elif kind == "chat":
            lines = chatlog.parse(text, zone=zone, reference=reference)
        else:
            raise ParseError(f"Unknown format: {fmt}.")
    if not lines:
        raise ParseError("No messages were found in the input.")
    beyond = [line.line for line in lines if not is_keepable(line.at)]
    if beyond:
        raise ParseError("Some times are not between the years 1900 and 9998.", beyond)
    return sorted(lines, key=lambda line: (line.at, line.line))


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError("The file is not UTF-8 text (nor a Slack export .zip).") from error


def detect(text: str) -> str:
    head = text.lstrip()[:1]
    if head in ("[", "{") and '"ts"' in text[:5000]:
        return "slack"
    first = next((line for line in text.splitlines() if line.strip()), "").lower()
    header = {cell.strip().strip('"') for cell in re.split(r"[,;\t]", first)}
    if header & {"time", "timestamp"} and header & {"text", "message"}:
        return "csv"
    return "chat"
