"""Plain chat logs, one message a line, in the common shapes:

    [2024-03-04 10:15] alice: text
    [10:15:02] <alice> text
    2024-03-04T10:15:00Z alice: text
    10:15 <alice> text

Indented lines continue the message above; IRC status lines (-!-, ***) are skipped.
Times without a zone are in ``zone``; time-only lines take the incident's date."""

from __future__ import annotations

import re
from datetime import datetime, time, tzinfo

from hansei.postmortems.timeline.importers.common import ChatLine, DayClock, ParseError, clip

_STAMP = (
    r"(?P<open>\[)?"
    r"(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?"
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"\s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2})?"
    r"(?(open)\])"
)
_MESSAGE = re.compile(
    _STAMP + r"\s+(?:<[@+%&~ ]?(?P<nick>[^>]{1,64})>|(?P<name>[^:<>\[\]\s][^:<>\[\]]{0,63}?):)"
    r"\s?(?P<text>.*)$"
)
_STATUS = re.compile(_STAMP + r"\s+(?:-!-|\*\*\*|--[<>]?)\s")


def parse(text: str, *, zone: tzinfo, reference: datetime) -> list[ChatLine]:
    clock = DayClock(reference, zone)
    lines: list[ChatLine] = []
    failed: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if raw[:1] in (" ", "\t") and lines:
            last = lines[-1]
            lines[-1] = ChatLine(
                last.line, last.at, last.author, clip(f"{last.text}\n{raw.strip()}")
            )
            continue
        if _STATUS.match(raw):
            continue
        match = _MESSAGE.match(raw.strip())
        if match is None:
            failed.append(number)
            continue
        try:
            at = _when(match, zone, clock)
        except ValueError:
            failed.append(number)
            continue
        author = (match["nick"] or match["name"] or "").strip()
        lines.append(ChatLine(number, at, author, clip(match["text"])))
    if failed:
        raise ParseError(
            "Some lines are not chat messages like “[2024-03-04 10:15] alice: text” "
            "or “10:15 <alice> text”.",
            failed,
        )
    return lines


def _when(match: re.Match[str], zone: tzinfo, clock: DayClock) -> datetime:
    clock_text = match["time"]
    if len(clock_text.split(":")[0]) == 1:
        clock_text = "0" + clock_text
    moment = time.fromisoformat(clock_text)
    if match["date"] is None:
        value = clock.at(moment)
    else:
        value = datetime.combine(datetime.strptime(match["date"], "%Y-%m-%d").date(), moment)
    stated = match["zone"]
    if stated:
        offset = "+00:00" if stated in ("Z", "UTC") else stated
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        return datetime.fromisoformat(value.replace(tzinfo=None).isoformat() + offset)
    return value if value.tzinfo else value.replace(tzinfo=zone)
