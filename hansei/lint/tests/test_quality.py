from __future__ import annotations

from datetime import date
from typing import Any

from hansei.lint import ActionItemInput as Item
from hansei.lint import PostmortemInput, SectionInput, lint_postmortem

GOOD_ITEMS = (
    Item(
        "Alert when certificate expiry < 14 days", owner="@a", priority="P1", due=date(2024, 6, 1)
    ),
    Item("Automate certificate renewal with ACME", owner="@b", priority="P2", due=date(2024, 7, 1)),
)
GOOD = {
    "summary": "Checkout failed for 47 minutes after the payment certificate expired at midnight.",
    "impact": "12% of checkouts failed between 00:00 and 00:47 UTC; 340 support tickets.",
    "root_causes": "Renewal depended on a calendar reminder sent to one mailbox.",
    "trigger": "The certificate expired at 00:00 UTC.",
}


def doc(**changes: Any) -> PostmortemInput:
    bodies = {**GOOD, **changes.pop("bodies", {})}
    sections = [SectionInput(key, key.title(), body, required=True) for key, body in bodies.items()]
    sections.append(SectionInput("action_items", "Action items", "", "action_items", True))
    return PostmortemInput(sections=sections, **{"action_items": GOOD_ITEMS, **changes})


def rules(document: PostmortemInput, **options: Any) -> list[str]:
    return sorted(f.rule_id for f in lint_postmortem(document, **options))


def test_a_good_postmortem_is_clean() -> None:
    assert rules(doc(severity_level=1, user_visible=True)) == []


def test_it_reports_empty_and_thin_required_sections() -> None:
    assert rules(doc(bodies={"summary": ""})) == ["section-empty"]
    assert rules(doc(bodies={"summary": "It broke."})) == ["section-thin"]
    timeline = SectionInput("timeline", "Timeline", "", "timeline", True, structured_items=4)
    assert (
        rules(PostmortemInput([timeline]), quality=True, text_rules=False).count("section-empty")
        == 0
    )


def test_it_wants_numbers_in_the_impact() -> None:
    assert rules(doc(bodies={"impact": "Many users could not pay for a while."})) == [
        "impact-no-numbers"
    ]
    figures = doc(bodies={"impact": "Many users could not pay for a while."},
                  impact_figures={"affected_count": 1200})  # fmt: skip
    assert rules(figures) == []


def test_it_wants_a_root_cause_deeper_than_human_error() -> None:
    assert rules(doc(bodies={"root_causes": ""})) == ["root-cause-missing"]
    assert rules(doc(bodies={"root_causes": "Human error."})) == [
        "human-error",
        "root-cause-human-error",
    ]
    deeper = "Human error, made possible because the console has no confirmation step and "
    deeper += "production and staging look the same."
    assert "root-cause-human-error" not in rules(doc(bodies={"root_causes": deeper}))
    japanese = [SectionInput("genin", "原因分析", "発生原因は設定変更。根本原因は人的ミスです。")]
    figures = {"affected_count": 10}
    assert rules(PostmortemInput(japanese, GOOD_ITEMS, figures), text_rules=False) == [
        "root-cause-human-error"
    ]


def test_it_wants_the_trigger_apart_from_the_root_cause() -> None:
    no_trigger = doc(bodies={"trigger": ""})
    sections = [s for s in no_trigger.sections if s.key != "trigger"]
    assert rules(PostmortemInput(sections, GOOD_ITEMS)) == ["trigger-not-separated"]
    mentioned = [
        SectionInput("root_causes", body=GOOD["root_causes"] + " The trigger was the expiry."),
        *[s for s in sections if s.key != "root_causes"],
    ]
    assert rules(PostmortemInput(mentioned, GOOD_ITEMS)) == []
    same = doc(bodies={"trigger": GOOD["root_causes"]})
    assert rules(same) == ["trigger-not-separated"]
    japanese = [
        SectionInput("genin", "原因分析", "発生原因は証明書の期限切れ。根本原因は手作業の更新。")
    ]
    assert "trigger-not-separated" not in rules(PostmortemInput(japanese, GOOD_ITEMS))


def test_it_checks_each_action_item() -> None:
    items = (
        Item("Improve monitoring", owner="@a", priority="P1", due=date(2024, 6, 1)),
        Item("Add a disk alert at 90%", priority="P2", key="42"),
        Item("Rotate keys with Vault", owner="Bob and Carol", priority="P2", due=date(2024, 6, 1)),
        Item("Remove the old DNS record", status="done", priority="P3"),
    )
    findings = lint_postmortem(doc(action_items=items))
    assert sorted((f.rule_id, f.item) for f in findings) == [
        ("action-many-owners", "2"),
        ("action-no-due", "42"),
        ("action-no-owner", "42"),
        ("action-vague", "0"),
    ]
    assert all(f.section_key == "action_items" for f in findings)
    assert (
        findings[0].text == items[int(findings[0].item)].title if findings[0].item != "42" else True
    )


def test_it_checks_the_action_plan_as_a_whole() -> None:
    assert rules(doc(action_items=())) == ["action-items-missing"]
    same = tuple(
        Item(f"Add alert {n}", owner="@a", priority="P2", due=date(2024, 6, 1)) for n in range(3)
    )
    assert rules(doc(action_items=same)) == ["action-same-priority"]
    training = (
        Item("Train the on-call team on certificate renewal", owner="@a", priority="P1",
             due=date(2024, 6, 1)),
        Item("研修で証明書の更新手順を周知する", owner="@b", priority="P2", due=date(2024, 6, 1)),
    )  # fmt: skip
    assert rules(doc(action_items=training)) == ["action-training-only"]
    low = tuple(Item(i.title, owner=i.owner, priority="P3", due=i.due) for i in GOOD_ITEMS)
    assert rules(doc(action_items=low, user_visible=True)) == ["action-no-urgent"]
    assert rules(doc(action_items=low, severity_level=2)) == ["action-no-urgent"]
    assert rules(doc(action_items=low, severity_level=3)) == []


def test_it_reports_an_overdue_draft() -> None:
    late = doc(status="draft", due_date=date(2024, 5, 5), today=date(2024, 5, 6))
    assert rules(late) == ["draft-overdue"]
    assert rules(doc(status="draft", due_date=date(2024, 5, 5), today=date(2024, 5, 5))) == []
    assert rules(doc(status="in_review", due_date=date(2024, 5, 5), today=date(2024, 6, 1))) == []


def test_it_runs_the_text_rules_on_every_section_in_the_ui_language() -> None:
    document = doc(bodies={"root_causes": "The engineer failed to check the lag on the replica."})
    [finding] = lint_postmortem(document, ui_lang="ja")
    assert finding.rule_id == "blame-person" and finding.section_key == "root_causes"
    assert finding.message == "人が失敗の原因として名指しされています。"
    assert lint_postmortem(document, text_rules=False) == []
