"""What the linter takes and gives: plain dataclasses, so Django code can build them.

Offsets are Python ``str`` indexes into the section's text (``SectionInput.body``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

_SPACES = re.compile(r"\s+")


def fingerprint(rule_id: str, text: str, section_key: str) -> str:
    """Stable id of a finding: the same words under the same rule in the same section.

    It ignores where the words are, so a dismissal survives edits elsewhere in the text; two
    identical passages in one section share it (dismissing one dismisses both).
    """
    normalized = _SPACES.sub(" ", text.casefold()).strip()
    digest = hashlib.sha1(f"{rule_id}\0{normalized}\0{section_key}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    explanation: str
    suggestion: str
    section_key: str
    start: int
    end: int
    text: str
    lang: str
    item: str = ""  # the action item's key when the finding is about one
    fingerprint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.fingerprint:
            basis = self.text or self.item
            object.__setattr__(
                self, "fingerprint", fingerprint(self.rule_id, basis, self.section_key)
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Dismissal:
    """A reviewer-visible decision that a finding is acceptable, with the reason why."""

    fingerprint: str
    reason: str
    by: str = ""

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a dismissal needs a reason")


@dataclass(frozen=True)
class LintResult:
    open: list[Finding]
    dismissed: list[tuple[Finding, Dismissal]]


def apply_dismissals(findings: Sequence[Finding], dismissals: Sequence[Dismissal]) -> LintResult:
    by_fingerprint = {d.fingerprint: d for d in dismissals}
    result = LintResult(open=[], dismissed=[])
    for finding in findings:
        dismissal = by_fingerprint.get(finding.fingerprint)
        if dismissal is None:
            result.open.append(finding)
        else:
            result.dismissed.append((finding, dismissal))
    return result


@dataclass(frozen=True)
class SectionInput:
    """One section of a postmortem. ``role`` is inferred from the key or title when empty:
    summary, impact, root_cause, trigger, action_items, timeline."""

    key: str
    title: str = ""
    body: str = ""
    kind: str = "markdown"  # markdown | timeline | action_items | impact | checklist
    required: bool = False
    role: str = ""
    structured_items: int = 0  # timeline entries, impact figures... shown in this section


@dataclass(frozen=True)
class ActionItemInput:
    title: str
    key: str = ""
    type: str = ""  # mitigate | prevent | detect | repair | investigate | process
    owner: str = ""
    priority: str = ""  # P0..P3
    due: date | None = None
    status: str = "open"  # open | in_progress | done | wont_do
    offset: int | None = None  # where the item's title starts in the action items section body

    @property
    def is_open(self) -> bool:
        return self.status not in ("done", "wont_do")


@dataclass(frozen=True)
class PostmortemInput:
    sections: Sequence[SectionInput]
    action_items: Sequence[ActionItemInput] = ()
    impact_figures: Mapping[str, object] = field(default_factory=dict)
    severity_level: int | None = None  # 1 is the worst
    user_visible: bool = False
    status: str = "draft"
    due_date: date | None = None
    today: date | None = None
    language: str = "auto"
    action_items_section_key: str = ""
