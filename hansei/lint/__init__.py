"""Blameless writing assistant: blame and quality checks for postmortems, in plain Python.

No Django here (a test makes sure): the web pages, the API and the CLI all call this API.

    from hansei.lint import lint_text, lint_postmortem, PostmortemInput, SectionInput

    lint_text("Alice forgot to renew the certificate.", people=["Alice"])
    lint_postmortem(PostmortemInput(sections=[SectionInput("impact", body="Some errors.")]))
"""

from __future__ import annotations

from hansei.lint.catalog import Rule, blame_rule_ids, rules
from hansei.lint.document import MarkdownPostmortem, parse_dismissals, parse_markdown
from hansei.lint.engine import lint_text
from hansei.lint.model import (
    ActionItemInput,
    Dismissal,
    Finding,
    LintResult,
    PostmortemInput,
    SectionInput,
    apply_dismissals,
    fingerprint,
)
from hansei.lint.quality import lint_postmortem
from hansei.lint.sentences import detect_language
from hansei.lint.vocabulary import Phrase, Vocabulary, VocabularyError

__all__ = [
    "ActionItemInput",
    "Dismissal",
    "Finding",
    "LintResult",
    "MarkdownPostmortem",
    "Phrase",
    "PostmortemInput",
    "Rule",
    "SectionInput",
    "Vocabulary",
    "VocabularyError",
    "apply_dismissals",
    "blame_rule_ids",
    "detect_language",
    "fingerprint",
    "lint_postmortem",
    "lint_text",
    "parse_dismissals",
    "parse_markdown",
    "rules",
]
