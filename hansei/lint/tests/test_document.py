from __future__ import annotations

from datetime import date

import pytest

from hansei.lint import lint_postmortem, parse_dismissals, parse_markdown

POSTMORTEM = """# Checkout outage

- Severity: SEV1
- Status: Draft
- Due: 2024-05-05

## Summary

Checkout failed for 47 minutes after the payment certificate expired.

## Impact

## Root causes

```
# not a heading
```

Renewal depended on a calendar reminder. The trigger was the expiry at midnight.

## Action items

| Priority | Type | Action | Owner | Due | Status | Tracking issue |
|---|---|---|---|---|---|---|
| P2 | Detect | Alert when certificate expiry < 14 days | alice | 2024-06-01 | Open | |
| P2 | Prevent | Automate renewal \\| with ACME | | | Open | |
"""


def test_it_splits_a_file_into_sections_and_reads_its_preamble() -> None:
    parsed = parse_markdown(POSTMORTEM, today=date(2024, 5, 10))
    keys = [part.section.key for part in parsed.sections]
    assert keys == ["_preamble", "summary", "impact", "root_causes", "action_items"]
    assert parsed.looks_like_postmortem
    assert [s.required for s in parsed.doc.sections] == [False, True, True, True, True]
    doc = parsed.doc
    assert (doc.severity_level, doc.status, doc.due_date) == (1, "draft", date(2024, 5, 5))
    root = parsed.sections[3]
    assert POSTMORTEM[root.body_offset :].startswith("\n```\n# not a heading")


def test_it_reads_action_items_from_the_exported_table() -> None:
    first, second = parse_markdown(POSTMORTEM).doc.action_items
    assert (first.priority, first.type, first.owner, first.due, first.status) == (
        "P2", "Detect", "alice", date(2024, 6, 1), "open",
    )  # fmt: skip
    assert second.title == "Automate renewal | with ACME" and second.key == "item-2"
    body = parse_markdown(POSTMORTEM).sections[4].section.body
    assert body[first.offset :].startswith("Alert when")


def test_it_reads_action_items_from_a_list() -> None:
    text = (
        "## Summary\n\nx\n\n## Action items\n\n"
        "- [ ] Add an expiry alert (owner: @alice, P1, due 2024-06-01)\n"
        "- [x] Remove the old DNS record @bob\n"
        "  - a sub-point, not an item\n"
    )
    first, second = parse_markdown(text).doc.action_items
    assert (first.title, first.owner, first.priority, first.due) == (
        "Add an expiry alert", "@alice", "P1", date(2024, 6, 1),
    )  # fmt: skip
    assert (second.owner, second.status) == ("@bob", "done")


def test_its_findings_point_into_the_file() -> None:
    parsed = parse_markdown(POSTMORTEM, today=date(2024, 5, 10))
    findings = {f.rule_id: f for f in lint_postmortem(parsed.doc)}
    assert set(findings) == {
        "section-empty", "action-no-owner", "action-no-due", "action-no-urgent", "draft-overdue"
    }  # fmt: skip
    empty = findings["section-empty"]
    assert POSTMORTEM[parsed.offset_of(empty.section_key, 0, False) :].startswith("## Impact")
    no_owner = findings["action-no-owner"]
    at = parsed.offset_of(no_owner.section_key, no_owner.start, True)
    assert POSTMORTEM[at:].startswith("Automate renewal")


def test_a_plain_markdown_file_gets_only_the_text_rules() -> None:
    parsed = parse_markdown("# Notes\n\nAlice forgot to renew it.\n")
    assert not parsed.looks_like_postmortem
    assert [s.required for s in parsed.doc.sections] == [False]


def test_it_reads_dismissals_with_their_reasons() -> None:
    text = "x\n<!-- hansei-lint: dismiss 0123456789abcdef verbatim\n customer quote -->\n"
    [dismissal] = parse_dismissals(text)
    assert (dismissal.fingerprint, dismissal.reason) == (
        "0123456789abcdef",
        "verbatim customer quote",
    )
    with pytest.raises(ValueError, match="line 2: a dismissal needs a reason"):
        parse_dismissals("x\n<!-- hansei-lint: dismiss 0123456789abcdef -->")
    with pytest.raises(ValueError, match="16-character fingerprint"):
        parse_dismissals("<!-- hansei-lint: dismiss blame-person because -->")
