"""The rules: id, family, severity and their texts in each UI language (data/rules.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

from hansei.lint.model import Finding, Severity

DATA = Path(__file__).parent / "data"
UI_LANGUAGES = ("en", "ja")
BLAME_FAMILY = "blame"
QUALITY_FAMILY = "quality"


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: Severity
    message: dict[str, str]
    explanation: dict[str, str]
    suggestion: dict[str, str]


@cache
def rules() -> dict[str, Rule]:
    raw = json.loads((DATA / "rules.json").read_text(encoding="utf-8"))
    return {
        rule_id: Rule(
            id=rule_id,
            family=spec["family"],
            severity=cast(Severity, spec["severity"]),
            message=spec["message"],
            explanation=spec["explanation"],
            suggestion=spec["suggestion"],
        )
        for rule_id, spec in raw.items()
    }


def blame_rule_ids() -> frozenset[str]:
    return frozenset(r.id for r in rules().values() if r.family == BLAME_FAMILY)


def check_ui_lang(ui_lang: str) -> str:
    if ui_lang not in UI_LANGUAGES:
        raise ValueError(f"unknown UI language {ui_lang!r}: use one of {', '.join(UI_LANGUAGES)}")
    return ui_lang


def make_finding(
    rule_id: str,
    *,
    ui_lang: str,
    section_key: str,
    start: int = 0,
    end: int = 0,
    text: str = "",
    lang: str = "",
    suggestion: str = "",
    item: str = "",
) -> Finding:
    """A finding with the rule's texts in ``ui_lang``. ``suggestion`` is a concrete rewrite in
    the text's own language when the rule could propose one; else the rule's generic advice."""
    rule = rules()[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=rule.severity,
        message=rule.message[ui_lang],
        explanation=rule.explanation[ui_lang],
        suggestion=suggestion or rule.suggestion[ui_lang],
        section_key=section_key,
        start=start,
        end=end,
        text=text,
        lang=lang or ui_lang,
        item=item,
    )
