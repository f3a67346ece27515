"""A postmortem kept as a Markdown file (``hansei lint FILE.md``): sections from its headings,
action items from the action items section's table or list, a few facts from its preamble,
and the dismissals written in it as comments.

    <!-- hansei-lint: dismiss 3f2a9c0d1e2b4a5c verbatim quote from the customer's e-mail -->
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hansei.lint.model import ActionItemInput, Dismissal, PostmortemInput, SectionInput
from hansei.lint.quality import section_role

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Known titles, for the built-in templates' keys (English and Japanese).
KNOWN_TITLES = (
    ("root_causes", re.compile(r"root\s+causes?|^causes?$", re.I)),
    ("genin", re.compile(r"^原因|根本原因")),
    ("trigger", re.compile(r"^trigger|^発生原因|^きっかけ|^トリガー", re.I)),
    ("impact", re.compile(r"^impact", re.I)),
    ("eikyou", re.compile(r"^影響")),
    ("summary", re.compile(r"^(?:executive\s+)?summary|^overview", re.I)),
    ("gaiyou", re.compile(r"^概要")),
    ("resolution", re.compile(r"^resolution|^mitigation|^recovery", re.I)),
    ("taiou", re.compile(r"^対応内容|^対応$")),
    ("detection", re.compile(r"^detection", re.I)),
    ("action_items", re.compile(r"^action\s+(?:items?|plan)|^follow[- ]?ups?|^next\s+steps", re.I)),
    ("action_list", re.compile(r"アクション|^再発防止策|^対策")),
    ("timeline", re.compile(r"^timeline", re.I)),
    ("timeline", re.compile(r"^タイムライン|^時系列")),
    ("tantousha", re.compile(r"^担当者")),
)
REQUIRED = frozenset(
    re.split(
        r"\s+",
        "action_items action_list detection eikyou gaiyou genin impact resolution "
        "root_causes summary taiou tantousha timeline trigger",
    )
)
_LIST_ITEM = re.compile(
    r"^(?P<indent> ?)(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<check>\[[ xX]\][ \t]+)?(?P<text>\S.*)$"
)
_PRIORITY = re.compile(r"\b(P[0-3])\b", re.I)
_OWNER = re.compile(
    r"(?:owner|担当者?)\s*[:：=]\s*(?P<owner>[^,;)）|\]]+)|(?P<handle>@[\w.-]+)", re.I
)
_DUE = re.compile(r"(?:(?:due|期限)\s*[:：]?\s*)?(?P<date>\d{4}-\d{2}-\d{2})", re.I)
_FIELDS = re.compile(
    r"\s*[(（\[][^)）\]]*(?:P[0-3]|owner|担当|due|期限|@|\d{4}-\d{2}-\d{2})[^)）\]]*[)）\]]\s*$",
    re.I,
)
_SEVERITY = re.compile(
    r"\b(?:SEV|severity\s*[:：]?\s*|重大度\s*[:：]?\s*(?:SEV)?)\s*([1-5])\b", re.I
)
_STATUS = re.compile(
    r"^\s*[-*]?\s*(?:status|ステータス)\s*[:：]\s*(?P<status>.+?)\s*$", re.I | re.M
)
_DRAFT = re.compile(r"^(?:draft|下書き)$", re.I)
_DUE_LINE = re.compile(
    r"^\s*[-*]?\s*(?:due(?:\s+date)?|期限)\s*[:：]\s*(\d{4}-\d{2}-\d{2})", re.I | re.M
)
_DISMISS = re.compile(r"<!--\s*hansei-lint:\s*dismiss\b(?P<body>.*?)-->", re.S)
_TABLE_COLUMNS = {
    "priority": re.compile(r"^(?:priority|優先度)$", re.I),
    "type": re.compile(r"^(?:type|kind|種類|種別)$", re.I),
    "title": re.compile(r"^(?:action|action item|title|item|アクション|内容|項目)$", re.I),
    "owner": re.compile(r"^(?:owner|assignee|担当者?)$", re.I),
    "due": re.compile(r"^(?:due|due date|deadline|期限)$", re.I),
    "status": re.compile(r"^(?:status|state|ステータス|状態)$", re.I),
}
_STATUSES = {"done": "done", "完了": "done", "won't do": "wont_do", "対応しない": "wont_do",
             "in progress": "in_progress", "対応中": "in_progress"}  # fmt: skip


@dataclass(frozen=True)
class MarkdownSection:
    section: SectionInput
    heading_offset: int  # where the heading line starts in the file
    body_offset: int  # where the body starts in the file


@dataclass(frozen=True)
class MarkdownPostmortem:
    doc: PostmortemInput
    sections: tuple[MarkdownSection, ...]
    looks_like_postmortem: bool

    def offset_of(self, section_key: str, start: int, has_text: bool) -> int:
        for part in self.sections:
            if part.section.key == section_key:
                return part.body_offset + start if has_text else part.heading_offset
        return 0


def parse_markdown(
    text: str, *, today: date | None = None, language: str = "auto"
) -> MarkdownPostmortem:
    parts = _split(text)
    known = sum(1 for p in parts if p.section.key in REQUIRED)
    looks = known >= 2
    if looks:
        parts = [
            MarkdownSection(_with_required(p.section), p.heading_offset, p.body_offset)
            for p in parts
        ]
    action = next((p.section for p in parts if section_role(p.section) == "action_items"), None)
    preamble = parts[0].section.body if parts and parts[0].section.key == "_preamble" else ""
    status = _STATUS.search(preamble)
    due = _DUE_LINE.search(preamble)
    severity = _SEVERITY.search(preamble)
    doc = PostmortemInput(
        sections=tuple(p.section for p in parts),
        action_items=tuple(parse_action_items(action.body)) if action else (),
        severity_level=int(severity.group(1)) if severity else None,
        status="draft" if status and _DRAFT.match(status.group("status")) else "",
        due_date=_date(due.group(1)) if due else None,
        today=today,
        language=language,
        action_items_section_key=action.key if action else "",
    )
    return MarkdownPostmortem(doc, tuple(parts), looks)


def _with_required(section: SectionInput) -> SectionInput:
    if section.key not in REQUIRED:
        return section
    kind = "action_items" if section.key in ("action_items", "action_list") else section.kind
    return SectionInput(section.key, section.title, section.body, kind, required=True)


def _split(text: str) -> list[MarkdownSection]:
    """Sections at level-1 and level-2 headings; what comes before the first is the preamble
    (with the title heading, when the file starts with one level-1 heading)."""
    lines = text.splitlines(keepends=True)
    headings: list[tuple[int, int, str, int]] = []  # (line start, body start, title, level)
    fence, pos = "", 0
    for line in lines:
        opening = _FENCE.match(line)
        if fence:
            fence = "" if opening and opening.group(1)[0] == fence[0] else fence
        elif opening:
            fence = opening.group(1)
        else:
            heading = _HEADING.match(line.rstrip("\r\n"))
            if heading and len(heading.group(1)) <= 2:
                headings.append((pos, pos + len(line), heading.group(2), len(heading.group(1))))
        pos += len(line)
    level_one = [h for h in headings if h[3] == 1]
    if len(level_one) == 1 and headings[0] is level_one[0] and not text[: headings[0][0]].strip():
        headings = headings[1:]  # the document's title stays in the preamble
    parts: list[MarkdownSection] = []
    used: set[str] = set()
    first = headings[0][0] if headings else len(text)
    if text[:first].strip():
        parts.append(MarkdownSection(SectionInput("_preamble", "", text[:first]), 0, 0))
    for i, (start, body_start, title, _level) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        key = _key(title, used)
        parts.append(
            MarkdownSection(SectionInput(key, title, text[body_start:end]), start, body_start)
        )
    return parts


def _key(title: str, used: set[str]) -> str:
    plain = title.strip().strip("*_ ")
    key = next((k for k, pattern in KNOWN_TITLES if pattern.search(plain)), "")
    if not key:
        key = re.sub(r"[^\w]+", "_", plain.casefold()).strip("_") or "section"
    base, n = key, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    used.add(key)
    return key


def parse_action_items(body: str) -> list[ActionItemInput]:
    table = _table_items(body)
    return table if table is not None else _list_items(body)


def _list_items(body: str) -> list[ActionItemInput]:
    items: list[ActionItemInput] = []
    pos = 0
    for line in body.splitlines(keepends=True):
        match = _LIST_ITEM.match(line.rstrip("\r\n"))
        if match:
            raw = match.group("text")
            title = _FIELDS.sub("", raw).strip() or raw
            owner = _OWNER.search(raw)
            due = _DUE.search(raw)
            priority = _PRIORITY.search(raw)
            checked = (match.group("check") or "").lower().strip() == "[x]"
            items.append(ActionItemInput(
                title=title, key=f"item-{len(items) + 1}",
                owner=(owner.group("owner") or owner.group("handle")).strip() if owner else "",
                priority=priority.group(1).upper() if priority else "",
                due=_date(due.group("date")) if due else None,
                status="done" if checked else "open", offset=pos + match.start("text"),
            ))  # fmt: skip
        pos += len(line)
    return items


def _table_items(body: str) -> list[ActionItemInput] | None:
    lines = body.splitlines(keepends=True)
    offsets = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    for i in range(len(lines) - 1):
        if "|" in lines[i] and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1]):
            columns = _columns(_cells(lines[i]))
            if "title" not in columns:
                continue
            rows = [(offsets[j], line) for j, line in enumerate(lines[i + 2 :], start=i + 2)]
            rows = [(offset, line) for offset, line in rows if "|" in line]
            return [
                _table_item(_cells(line), columns, offset, line, n)
                for n, (offset, line) in enumerate(rows)
            ]
    return None


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        for name, pattern in _TABLE_COLUMNS.items():
            if pattern.match(cell) and name not in columns:
                columns[name] = index
    return columns


def _table_item(
    cells: list[str], columns: dict[str, int], offset: int, line: str, n: int
) -> ActionItemInput:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    title, due = cell("title"), _DUE.search(cell("due"))
    status = _STATUSES.get(cell("status").casefold(), "open")
    return ActionItemInput(
        title=title, key=f"item-{n + 1}", type=cell("type"), owner=cell("owner"),
        priority=cell("priority").upper()[:2], due=_date(due.group("date")) if due else None,
        status=status, offset=offset + max(line.find(title.replace("|", "\\|")), 0),
    )  # fmt: skip


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_dismissals(text: str) -> list[Dismissal]:
    """``<!-- hansei-lint: dismiss FINGERPRINT REASON -->`` comments; a missing reason or a
    malformed fingerprint raises ValueError naming the line."""
    found = []
    for match in _DISMISS.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        words = match.group("body").split(None, 1)
        if not words or not re.fullmatch(r"[0-9a-f]{16}", words[0]):
            raise ValueError(f"line {line}: a dismissal starts with a 16-character fingerprint")
        if len(words) < 2 or not words[1].strip():
            raise ValueError(f"line {line}: a dismissal needs a reason after the fingerprint")
        found.append(Dismissal(words[0], " ".join(words[1].split())))
    return found
