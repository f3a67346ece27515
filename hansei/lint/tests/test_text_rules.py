from __future__ import annotations

import pytest

from hansei.lint import Phrase, Vocabulary, detect_language, fingerprint, lint_text


def rules_in(text: str, **options: object) -> set[str]:
    return {f.rule_id for f in lint_text(text, **options)}  # type: ignore[arg-type]


def test_it_flags_a_person_as_the_subject_of_a_failure_and_proposes_a_rewrite() -> None:
    text = "Alice forgot to renew the certificate."
    [finding] = lint_text(text, section_key="root_causes")
    assert finding.rule_id == "blame-person" and finding.severity == "error"
    assert (finding.start, finding.end, finding.text) == (0, 21, "Alice forgot to renew")
    assert text[finding.start : finding.end] == finding.text
    assert finding.suggestion.startswith("The certificate was not renewed: ")
    assert finding.section_key == "root_causes" and finding.lang == "en"
    assert "SRE book" in finding.explanation


@pytest.mark.parametrize(
    "sentence",
    [
        "The deploy did not complete.",
        "The alert should have fired at 5% (it is configured to).",
        "The system failed to handle the load.",
        "We did not have an alert for this.",
        "The database failed over.",
        "The operator console does not ask for confirmation before deleting a tenant.",
        "Kafka failed to rebalance the consumer group.",
        "Bob rolled back the deploy at 10:51.",
        "Customers might have seen duplicate emails.",
        'We no longer accept "human error" as a root cause.',
        "Disaster recovery drills run every quarter.",
        "Monitoring didn't report the lag.",
        "The Postgres operator failed to promote the replica.",
        "The connection manager failed to reconnect.",
        "We didn't test the restore path this quarter.",
        "This could have been detected by a synthetic check.",
        "担当者が再起動を実施し、キューは処理されなかった。",
        "デプロイが完了しなかった。",
        "アラートは5%で発報すべきだった（そう設定されている）。",
    ],
)
def test_it_lets_hard_negatives_pass(sentence: str) -> None:
    assert lint_text(sentence) == []


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("The engineer failed to check the replica lag.", "blame-person"),
        ("I forgot to remove the override.", "blame-person"),
        ("We should have caught this in review.", "counterfactual"),
        ("If only the runbook had been up to date.", "counterfactual"),
        ("Root cause: human error.", "human-error"),
        ("The migration plan was sloppy.", "judgemental"),
        ("The alerting is a joke!!!", "judgemental"),
        ("担当者が確認を怠った。", "blame-person"),
        ("田中さんのミスで停止した。", "blame-person"),
        ("負荷試験を実施すべきだった。", "counterfactual"),
        ("原因はヒューマンエラーです。", "human-error"),
        ("うっかり本番で実行した。", "human-error"),
    ],
)
def test_it_flags_each_family(sentence: str, rule: str) -> None:
    assert rule in rules_in(sentence)


def test_it_knows_the_people_it_is_told_about() -> None:
    text = "Zoltan failed to restart the worker."
    assert rules_in(text) == set()
    assert rules_in(text, people=["Zoltan Kiss"]) == {"blame-person"}
    assert rules_in("@zk failed to restart the worker.") == {"blame-person"}
    assert rules_in("小西が手順を守らなかった。", people=["小西 健"]) == {"blame-person"}


def test_it_skips_code_and_log_lines_but_lints_quotes() -> None:
    text = (
        "The fix is `Alice forgot to renew` in the script.\n\n"
        "```\nBob failed to renew the certificate\n```\n\n"
        "    Carol neglected the cleanup\n\n"
        "2024-05-02T10:00:01Z ERROR operator error: human error in job\n\n"
        "> 10:00:01 WARN retry failed for Dave\n"
        "> 10:00:02 ERROR human error count=3 host=a\n\n"
        "> The customer wrote: your engineer was careless.\n"
    )
    findings = lint_text(text)
    assert {f.rule_id for f in findings} == {"blame-person", "human-error"}
    assert all(f.text in ("your engineer was careless", "careless") for f in findings)


def test_offsets_index_the_original_markdown() -> None:
    text = "## Trigger\n\n- 10:42 **Alice** forgot to renew the *certificate*.\n"
    [finding] = lint_text(text)
    assert text[finding.start : finding.end] == finding.text == "Alice** forgot to renew"


def test_a_fingerprint_survives_edits_elsewhere_in_the_section() -> None:
    before = lint_text("Alice forgot to renew the certificate.", section_key="s")[0]
    after = lint_text("Intro.\n\nAlice  forgot to renew the cert.", section_key="s")[0]
    assert before.fingerprint == after.fingerprint
    assert before.fingerprint == fingerprint("blame-person", "alice forgot to renew", "s")
    other = lint_text("Alice forgot to renew the certificate.", section_key="t")[0]
    assert other.fingerprint != before.fingerprint


def test_texts_come_in_the_ui_language_and_rewrites_in_the_texts_language() -> None:
    [english] = lint_text("担当者が証明書の更新を怠った。", ui_lang="en")
    [japanese] = lint_text("担当者が証明書の更新を怠った。", ui_lang="ja")
    assert english.message == "A person is named as the cause of a failure."
    assert japanese.message == "人が失敗の原因として名指しされています。"
    assert english.lang == japanese.lang == "ja"
    assert japanese.suggestion.startswith("証明書の更新が行われなかった")
    [should] = lint_text("リリース前に負荷試験を実施すべきだった。", ui_lang="ja")
    assert should.suggestion.startswith("リリース前に負荷試験を実施する仕組み・手順がなかった")


def test_it_decides_the_language_per_sentence_in_auto_mode() -> None:
    text = "The engineer failed to check the lag. 担当者が確認を怠った。"
    findings = lint_text(text)
    assert [f.lang for f in findings] == ["en", "ja"]
    assert lint_text(text, lang="en")[0].lang == "en"
    assert detect_language("Kafkaのコンシューマーがリバランスしなかった。") == "ja"
    assert detect_language("We paged the 障害 channel.") == "en"


def test_it_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        lint_text("x", lang="fr")
    with pytest.raises(ValueError, match="unknown UI language"):
        lint_text("x", ui_lang="fr")


def test_allowed_phrases_and_custom_phrases_come_from_the_vocabulary() -> None:
    vocabulary = Vocabulary(
        phrases=(
            (
                "judgemental",
                "en",
                Phrase(r"cowboy\s+deploys?", regex=True, suggest="unreviewed deploy"),
            ),
            ("judgemental", "ja", Phrase("雑な")),
        ),
        allow=(Phrase("Blameless Bob"),),
    )
    [cowboy] = lint_text("Another cowboy deploy broke search.", vocabulary=vocabulary)
    assert cowboy.rule_id == "judgemental"
    assert cowboy.suggestion == "Another unreviewed deploy broke search."
    assert rules_in("雑な手順だった。", vocabulary=vocabulary) == {"judgemental"}
    assert (
        rules_in("Blameless Bob forgot to renew it.", vocabulary=vocabulary, people=["Bob"])
        == set()
    )


def test_one_sentence_gives_one_finding_per_rule() -> None:
    findings = lint_text("Mike was supposed to update the record but never did.")
    assert [f.rule_id for f in findings] == ["blame-person"]


def test_it_sees_the_person_behind_a_leading_emoji_or_bullet() -> None:
    for lead in ("🚀", "•"):
        text = f"{lead} Bob forgot to renew the certificate."
        found = [(f.rule_id, f.text) for f in lint_text(text, people=["Bob"])]
        assert ("blame-person", "Bob forgot to renew") in found, text
