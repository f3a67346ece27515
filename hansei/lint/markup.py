"""Markdown to lintable text, without moving anything: every character keeps its index.

Code (fenced, indented, inline spans), HTML comments and tags, URLs and link targets, and log
lines become spaces. Markup characters (emphasis, list markers, heading marks, table pipes,
blockquote marks) become spaces too, or a paragraph separator (U+2029) where they end a
sentence, so the rules read plain prose.

Blockquotes are linted like any prose (a quoted customer e-mail or chat line is still
published in the postmortem; a finding there can be dismissed with a reason), except when
most of the quote looks like log output: then the whole quote is skipped.
"""

from __future__ import annotations

import re

BREAK = "\u2029"  # Python's \s matches it; the sentence splitter treats it as a hard break

_FENCE = re.compile(r"^ {0,3}(?:>\s?)*\s{0,3}(`{3,}|~{3,})")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
_QUOTE = re.compile(r"^ {0,3}>")
_TIMESTAMP = (
    r"\[?(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})\S*\]?"
)
_LEVEL = r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|level=\w+)"
_LOG_LINE = re.compile(
    rf"^\s*(?:>\s*)*(?:[-*+]\s+)?(?:{_TIMESTAMP}\s.{{0,60}}\b{_LEVEL}\b"
    rf"|[IWEF]\d{{4}} \d{{2}}:\d{{2}}:\d{{2}}|\{{.*\"(?:level|severity|msg)\"\s*:"
    rf"|{_LEVEL}\b.{{0,40}}(?:\w+=\S+\s*){{2,}})"
)
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_HIDDEN = re.compile(
    r"<!--.*?-->|</?[A-Za-z][^>\n]*>|https?://[^\s)>\]]+|\]\([^)\n]*\)|\]\[[^\]\n]*\]",
    re.DOTALL,
)
_EMPHASIS = re.compile(r"(?<![\w*])[*_~]+(?=\S)|(?<=\S)[*_~]+(?![\w*])")
_LINE_START = re.compile(
    r"^(?P<lead> {0,3}(?:>[ \t]?)*[ \t]*)"
    r"(?P<mark>#{1,6}[ \t]|[-*+][ \t](?:\[[ xX]\][ \t])?|\d{1,9}[.)][ \t])?",
    re.MULTILINE,
)


def lintable(text: str) -> str:
    """``text`` with everything that must not be linted blanked, same length, same lines."""
    chars = list(text)
    _blank_blocks(text, chars)
    masked = "".join(chars)
    for pattern in (_CODE_SPAN, _HIDDEN):
        masked = pattern.sub(lambda m: _blank(m.group(0)), masked)
    masked = _EMPHASIS.sub(lambda m: " " * len(m.group(0)), masked)
    masked = _LINE_START.sub(_blank_line_start, masked)
    return masked.replace("|", BREAK)


def _blank(fragment: str) -> str:
    return "".join(c if c == "\n" else " " for c in fragment)


def _blank_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group("lead"), match.group("mark") or ""
    if not lead.strip() and not mark:
        return match.group(0)
    return BREAK + " " * (len(lead) + len(mark) - 1)


def _blank_blocks(text: str, chars: list[str]) -> None:
    """Fenced and indented code, log lines and log-like blockquotes, line by line."""
    lines = text.splitlines(keepends=True)
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    hidden = _code_lines(lines) | _log_lines(lines)
    for index in hidden:
        start = offsets[index]
        for i in range(start, start + len(lines[index].rstrip("\r\n"))):
            chars[i] = " "


def _code_lines(lines: list[str]) -> set[int]:
    hidden: set[int] = set()
    fence = ""
    previous_blank, in_list = True, False
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence:
            hidden.add(index)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            hidden.add(index)
            continue
        blank = not line.strip()
        if _LIST_ITEM.match(line):
            in_list = True
        elif not blank and not line[:1].isspace():
            in_list = False
        if (
            not blank
            and _INDENTED.match(line)
            and not in_list
            and (previous_blank or index - 1 in hidden)
        ):
            hidden.add(index)
        previous_blank = blank
    return hidden


def _log_lines(lines: list[str]) -> set[int]:
    hidden = {i for i, line in enumerate(lines) if _LOG_LINE.match(line)}
    quote: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if _QUOTE.match(line):
            quote.append(index)
            continue
        if quote and 2 * sum(1 for i in quote if i in hidden or _looks_like_log(lines[i])) >= len(
            [i for i in quote if lines[i].strip("> \t\r\n")]
        ):
            hidden.update(quote)
        quote = []
    return hidden


_LOGGY = re.compile(rf"^\s*(?:>\s*)+(?:{_TIMESTAMP}|\b{_LEVEL}\b|\S+=\S+\s+\S+=\S+)")


def _looks_like_log(line: str) -> bool:
    return bool(_LOGGY.match(line))
