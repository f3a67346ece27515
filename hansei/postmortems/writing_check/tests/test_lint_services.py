"""What the writing check reads of a stored postmortem, and the rules of dismissals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.incidents.services import update_policy
from hansei.lint import fingerprint
from hansei.postmortems.analysis.services import ImpactInput, update_impact
from hansei.postmortems.writing_check import queries as lint_queries
from hansei.postmortems.writing_check import services as lint_services
from hansei.postmortems.writing_check.models import LintDismissal

pytestmark = pytest.mark.django_db


def _rules(postmortem: Any) -> set[str]:
    return {f.rule_id for f in lint_queries.lint_postmortem_for(postmortem, ui_lang="en").open}


def test_it_reads_action_items_impact_and_severity_from_the_rows(
    alice: Any, bob: Any, ada: Any, make_postmortem: Any
) -> None:
    # No default deadline for P2 items: the first item below has no due date to lint.
    update_policy(actor=ada, changes={"action_due_days_p2": 0})
    postmortem = make_postmortem()  # SEV2, 50 minutes of user-visible downtime
    postmortem.sections.filter(key="impact").update(body="Some customers saw errors.")
    doc = lint_queries.postmortem_input(postmortem)
    assert doc.severity_level == 2 and doc.user_visible is True
    assert doc.action_items_section_key == "action_items"
    assert {"impact-no-numbers", "action-items-missing"} <= _rules(postmortem)

    add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Improve monitoring", priority="P2"),
    )
    update_impact(actor=alice, postmortem=postmortem, data=ImpactInput(affected_count=1200))
    doc = lint_queries.postmortem_input(postmortem)
    [item] = doc.action_items
    assert (item.title, item.priority, item.owner, item.due) == (
        "Improve monitoring",
        "P2",
        "",
        None,
    )
    assert doc.impact_figures["affected_count"] == 1200
    rules = _rules(postmortem)
    assert {"action-vague", "action-no-owner", "action-no-due", "action-no-urgent"} <= rules
    assert "impact-no-numbers" not in rules and "action-items-missing" not in rules

    add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(
            title="Alert when the certificate expires in under 14 days",
            owner=bob,
            priority="P1",
            due_date=timezone.localdate() + timedelta(days=7),
        ),
    )
    assert "action-no-urgent" not in _rules(postmortem)


def test_it_knows_the_team_and_the_owner_as_people(
    alice: Any, bob: Any, charlie: Any, make_postmortem: Any
) -> None:
    people = lint_queries.people_of(make_postmortem())
    assert {"Alice", "@alice", "Bob", "@bob"} <= set(people)
    assert "@charlie" not in people


def test_it_converts_offsets_to_utf16() -> None:
    utf16 = lint_queries.Utf16Offsets("a😀b𝄞c")
    assert [utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert lint_queries.Utf16Offsets("plain")(3) == 3


def test_it_refuses_to_restore_for_a_reader(alice: Any, rita: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    dismissal = lint_services.dismiss_finding(
        actor=alice,
        postmortem=postmortem,
        fingerprint="",
        rule_id="judgemental",
        section_key="summary",
        text="sloppy",
        reason="Quoting the vendor.",
    )
    assert dismissal.fingerprint == fingerprint("judgemental", "sloppy", "summary")
    with pytest.raises(PermissionDenied):
        lint_services.restore_finding(actor=rita, dismissal=dismissal)
    assert LintDismissal.objects.filter(pk=dismissal.pk).exists()


def test_it_refuses_an_unknown_rule_or_section(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    for rule, section, field in (
        ("no-such", "summary", "rule"),
        ("judgemental", "nope", "section"),
    ):
        with pytest.raises(ValidationError) as refused:
            lint_services.dismiss_finding(
                actor=alice, postmortem=postmortem, fingerprint="", rule_id=rule,
                section_key=section, text="sloppy", reason="A quote.",
            )  # fmt: skip
        assert field in refused.value.message_dict
    assert not LintDismissal.objects.exists()


def test_it_shortens_a_long_matched_text(alice: Any, make_postmortem: Any) -> None:
    text = "sloppy " * 100
    dismissal = lint_services.dismiss_finding(
        actor=alice, postmortem=make_postmortem(), fingerprint="", rule_id="judgemental",
        section_key="summary", text=text, reason="A quote.",
    )  # fmt: skip
    dismissal.refresh_from_db()
    assert len(dismissal.text) == 500 and dismissal.text.endswith("…")
    assert dismissal.fingerprint == fingerprint("judgemental", text, "summary")


def test_it_tells_open_pages_about_a_dismissal(
    alice: Any, make_postmortem: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "hansei.collab.live.broadcast._send", lambda group, message: sent.append((group, message))
    )
    postmortem = make_postmortem()
    with django_capture_on_commit_callbacks(execute=True):
        dismissal = lint_services.dismiss_finding(
            actor=alice, postmortem=postmortem, fingerprint="", rule_id="judgemental",
            section_key="summary", text="sloppy", reason="A quote.",
        )  # fmt: skip
        lint_services.restore_finding(actor=alice, dismissal=dismissal)
    events = [m for g, m in sent if g == f"collab.events.{postmortem.pk}"]
    assert events == [{"type": "postmortem.changed", "parts": ["review"]}] * 2
