"""A readable diff of two texts, for people: line by line (difflib), and inside a changed line
word by word for languages written with spaces, character by character for Japanese and
Chinese (no spaces between words).

The result is plain data (segments of text with an operation); templates escape the text, so
nothing in a postmortem's text is ever rendered as HTML.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

Op = Literal["equal", "insert", "delete"]
LineKind = Literal["equal", "insert", "delete", "change", "skip"]

# Ideographs, kana, CJK punctuation, full-width forms and Hangul: one token per character.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
# A word (letters and digits that are not CJK), a run of spaces, or any single other character.
_TOKEN = re.compile(rf"[^\W{_CJK}]+|\s+|.", re.DOTALL)

CONTEXT_LINES = 2  # unchanged lines kept around a change
PAIR_CUTOFF = 0.5  # below this similarity, a removed and an added line are shown apart
MAX_PAIRING = 2_500  # line pairs compared to align a changed block; beyond it, keep order


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass
class DiffLine:
    kind: LineKind
    segments: list[Segment] = field(default_factory=list)
    skipped: int = 0  # for "skip": how many unchanged lines are hidden


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> list[Segment]:
    """``old`` turned into ``new`` as equal, deleted and inserted runs of words/characters."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(Segment("insert", "".join(b[j1:j2])))
    return _merge_changes(_absorb_gaps(raw))


def _absorb_gaps(segments: list[Segment]) -> list[Segment]:
    """A lone space between two changes reads better as part of them: "<del>a b</del>"
    rather than "<del>a</del> <del>b</del>"."""
    result: list[Segment] = []
    for i, segment in enumerate(segments):
        between = 0 < i < len(segments) - 1
        if (
            between
            and segment.op == "equal"
            and not segment.text.strip()
            and segments[i - 1].op != "equal"
            and segments[i + 1].op != "equal"
        ):
            result += [Segment("delete", segment.text), Segment("insert", segment.text)]
        else:
            result.append(segment)
    return result


def _merge_changes(segments: list[Segment]) -> list[Segment]:
    """Each run of changes becomes one deletion followed by one insertion."""
    result: list[Segment] = []
    deleted, inserted = "", ""
    for segment in [*segments, Segment("equal", "")]:
        if segment.op == "delete":
            deleted += segment.text
        elif segment.op == "insert":
            inserted += segment.text
        else:
            if deleted:
                result.append(Segment("delete", deleted))
            if inserted:
                result.append(Segment("insert", inserted))
            deleted, inserted = "", ""
            if segment.text:
                result.append(segment)
    return result


def _similarity(old: str, new: str, floor: float) -> float:
    """How alike two lines are (0 to 1); 0 when they cannot beat ``floor`` (cheap bounds)."""
    matcher = difflib.SequenceMatcher(None, tokens(old), tokens(new), autojunk=False)
    if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
        return 0.0
    return matcher.ratio()


def _pair_lines(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Align a block of removed lines with a block of added lines: the most similar pair is
    shown as one changed line, and the lines before and after it are aligned the same way."""
    if not old or not new:
        return [(line, None) for line in old] + [(None, line) for line in new]
    if len(old) * len(new) > MAX_PAIRING:
        pairs: list[tuple[str | None, str | None]] = list(zip(old, new, strict=False))
        return (
            pairs
            + [(line, None) for line in old[len(new) :]]
            + [(None, line) for line in new[len(old) :]]
        )
    best, best_i, best_j = PAIR_CUTOFF, -1, -1
    for i, old_line in enumerate(old):
        for j, new_line in enumerate(new):
            score = _similarity(old_line, new_line, best)
            if score > best:
                best, best_i, best_j = score, i, j
    if best_i < 0:
        return [(line, None) for line in old] + [(None, line) for line in new]
    before = _pair_lines(old[:best_i], new[:best_j])
    after = _pair_lines(old[best_i + 1 :], new[best_j + 1 :])
    return [*before, (old[best_i], new[best_j]), *after]


def _line(old: str | None, new: str | None) -> DiffLine:
    if old is None:
        return DiffLine("insert", [Segment("insert", new or "")])
    if new is None:
        return DiffLine("delete", [Segment("delete", old)])
    return DiffLine("change", inline_diff(old, new))


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Every line of the two texts: unchanged, removed, added or changed in place."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("equal", [Segment("equal", line)]) for line in a[i1:i2]]
        else:
            lines += [_line(o, n) for o, n in _pair_lines(a[i1:i2], b[j1:j2])]
    return lines


def collapse(lines: list[DiffLine], context: int = CONTEXT_LINES) -> list[DiffLine]:
    """Hide unchanged lines far from any change behind one "N unchanged lines" line."""
    changed = [i for i, line in enumerate(lines) if line.kind != "equal"]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    result: list[DiffLine] = []
    hidden = 0
    for i, line in enumerate(lines):
        if i in keep:
            if hidden:
                result.append(DiffLine("skip", skipped=hidden))
                hidden = 0
            result.append(line)
        else:
            hidden += 1
    if hidden:
        result.append(DiffLine("skip", skipped=hidden))
    return result


def readable_diff(old: str, new: str) -> list[DiffLine]:
    """The lines to show for a changed text: the changes, with a little context around them."""
    return collapse(diff_lines(old, new))


SectionStatus = Literal["changed", "added", "emptied", "unchanged"]


@dataclass
class SectionDiff:
    key: str
    title: str
    status: SectionStatus
    lines: list[DiffLine] = field(default_factory=list)


@dataclass
class DocumentDiff:
    title: SectionDiff | None  # None when the title did not change; its key is ""
    changed: list[SectionDiff]
    unchanged: list[SectionDiff]

    @property
    def identical(self) -> bool:
        return self.title is None and not self.changed

    @property
    def parts(self) -> list[SectionDiff]:
        """What changed, in reading order: the title, then the sections."""
        return ([self.title] if self.title else []) + self.changed


def _status(old: str, new: str) -> SectionStatus:
    if old == new:
        return "unchanged"
    if not old.strip():
        return "added"
    return "emptied" if not new.strip() else "changed"


def compare_documents(
    old_title: str,
    old_sections: dict[str, str],
    new_title: str,
    new_sections: dict[str, str],
    titles: dict[str, str],
    title_label: str = "Title",
) -> DocumentDiff:
    """Two versions of a postmortem's text compared section by section. ``titles`` names the
    sections in the postmortem's order; a key it does not know is shown by its key, last."""
    keys = list(titles) + [k for k in {**old_sections, **new_sections} if k not in titles]
    changed, unchanged = [], []
    for key in keys:
        if key not in old_sections and key not in new_sections:
            continue
        old, new = old_sections.get(key, ""), new_sections.get(key, "")
        section = SectionDiff(key, titles.get(key, key), _status(old, new))
        if section.status == "unchanged":
            unchanged.append(section)
        else:
            section.lines = readable_diff(old, new)
            changed.append(section)
    title = None
    if old_title != new_title:
        title = SectionDiff("", title_label, "changed", diff_lines(old_title, new_title))
    return DocumentDiff(title=title, changed=changed, unchanged=unchanged)
