from __future__ import annotations

import pytest

from hansei.lint import rules
from hansei.lint.external import check_external
from hansei.lint.model import Finding

EXTERNAL_RULES = (
    "external-internal-name",
    "external-host",
    "external-speculation",
    "external-promise",
    "external-jargon",
)


def check(body: str, lang: str = "en", **options: object) -> list[Finding]:
    findings = check_external(body, section_key="summary", lang=lang, **options)  # type: ignore[arg-type]
    for finding in findings:
        assert body[finding.start : finding.end] == finding.text
    return findings


def flagged(body: str, rule: str, lang: str = "en", **options: object) -> list[str]:
    return [f.text for f in check(body, lang, **options) if f.rule_id == rule]


# --- the catalogue ----------------------------------------------------------------------------


def test_every_external_rule_has_english_and_japanese_texts() -> None:
    catalogue = rules()
    for rule_id in EXTERNAL_RULES:
        rule = catalogue[rule_id]
        assert rule.family == "external"
        for texts in (rule.message, rule.explanation, rule.suggestion):
            assert texts["en"].strip() and texts["ja"].strip()
    assert [catalogue[r].severity for r in EXTERNAL_RULES] == [
        "warning",
        "warning",
        "warning",
        "error",
        "info",
    ]


def test_it_gives_messages_in_the_ui_language() -> None:
    body = "This will never happen again."
    [english] = check(body)
    [japanese] = check(body, ui_lang="ja")
    assert english.message == "A promise that no one can keep."
    assert japanese.message == "守ることのできない約束が書かれています。"
    assert japanese.suggestion.startswith("「〇〇を実施し")
    assert japanese.lang == english.lang == "en"
    assert (japanese.section_key, japanese.severity) == ("summary", "error")


def test_it_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        check_external("x", section_key="s", lang="fr")
    with pytest.raises(ValueError, match="unknown UI language"):
        check_external("x", section_key="s", lang="en", ui_lang="fr")


# --- internal names ---------------------------------------------------------------------------


def test_it_flags_internal_names_as_whole_words_in_any_case() -> None:
    names = ["Alice Smith", "payments-api", "SRE Platform", "Bo"]
    body = "alice smith restarted Payments-API; the SRE  Platform team and Bo watched. Malice."
    assert flagged(body, "external-internal-name", internal_names=names) == [
        "alice smith",
        "Payments-API",
        "SRE  Platform",
    ]


def test_it_flags_japanese_names_as_substrings_and_latin_names_next_to_kana() -> None:
    names = ["田中", "鈴", "Alice"]
    body = "田中さんとAliceさんが対応しました。鈴木さんは不在でした。"
    assert flagged(body, "external-internal-name", "ja", internal_names=names) == ["田中", "Alice"]


def test_it_flags_mentions_but_not_email_addresses() -> None:
    body = "Ping @alice.b and ＠tanaka; write to support@example.com at 10:00."
    assert flagged(body, "external-internal-name") == ["@alice.b", "＠tanaka"]


def test_it_does_not_flag_a_name_twice_when_a_mention_spells_it() -> None:
    assert flagged("Thanks @alice!", "external-internal-name", internal_names=["alice"]) == [
        "@alice"
    ]


# --- hosts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, host",
    [
        ("The primary db-prod-03 ran out of disk.", "db-prod-03"),
        ("Reads moved to pg-replica-2.eu-west-1 at 10:40.", "pg-replica-2.eu-west-1"),
        ("The pod api-7f9c8d-xk2lp restarted.", "api-7f9c8d-xk2lp"),
        ("Traffic went to 10.0.3.17 instead.", "10.0.3.17"),
        ("The subnet 192.168.0.0/16 was full.", "192.168.0.0/16"),
        ("It listened on 10.0.3.17:5432.", "10.0.3.17:5432"),
        ("Clients resolved it to 2001:db8::1.", "2001:db8::1"),
        ("Clients hit [2001:db8::2]:8443 directly.", "[2001:db8::2]:8443"),
        ("The cache at cache.svc.cluster.local was cold.", "cache.svc.cluster.local"),
        ("Mail to ops@mail.corp bounced.", "mail.corp"),
        ("The job on build01 failed.", "build01"),
        ("The node ip-10-0-1-23.ec2.internal was drained.", "ip-10-0-1-23.ec2.internal"),
        ("Sessions live in redis:6379.", "redis:6379"),
        ("It worked on localhost:8080.", "localhost:8080"),
        ("We restarted `kafka-broker-7` twice.", "kafka-broker-7"),
        ("バッチは db-prod-03 で実行されていました。", "db-prod-03"),
        ("10.0.0.1で接続が失敗しました。", "10.0.0.1"),
    ],
)
def test_it_flags_hosts_and_addresses(body: str, host: str) -> None:
    assert flagged(body, "external-host") == [host]


def test_it_flags_each_address_of_a_range_and_joins_the_parts_of_one_host() -> None:
    body = "Addresses 10.0.0.1-10.0.0.5 were reserved; db-prod-03.internal:5432 was full."
    assert flagged(body, "external-host") == ["10.0.0.1", "10.0.0.5", "db-prod-03.internal:5432"]


def test_it_flags_a_private_url_once_and_nothing_inside_it() -> None:
    body = "See http://grafana.internal/d/TTL-db-prod-03?from=now-1h, then [x](http://10.1.2.3:3000/d)."
    findings = check(body)
    assert [(f.rule_id, f.text) for f in findings] == [
        ("external-host", "http://grafana.internal/d/TTL-db-prod-03?from=now-1h"),
        ("external-host", "http://10.1.2.3:3000/d"),
    ]


def test_it_treats_connection_strings_and_single_label_hosts_as_private() -> None:
    body = "Use postgres://app@db.example.com:5432/app, not http://jenkins/job/7/ or https://db-01.example.com."
    assert flagged(body, "external-host") == [
        "postgres://app@db.example.com:5432/app",
        "http://jenkins/job/7/",
        "https://db-01.example.com",
    ]


def test_it_does_not_flag_public_urls_but_finds_internal_names_in_them() -> None:
    body = (
        "Details: https://status.example.com/incidents/42 and https://github.com/acme/billing-svc."
    )
    findings = check(body, internal_names=["billing-svc"])
    assert [(f.rule_id, f.text) for f in findings] == [("external-internal-name", "billing-svc")]


@pytest.mark.parametrize(
    "body",
    [
        "Visit example.com or status.example.com for updates; write to support@example.com.",
        "The read-only mode lasted a 24-hour period; a follow-up e-mail went to third-party "
        "vendors.",
        "We upgraded to version 1.2.3 and then 2.0.1; build 10.0.0.1 of the app is out.",
        "Apps on v1.2.3.4 were fine. See section 1.2.3.4 of the terms.",
        "COVID-19, utf-8, sha-256, iso-8601, top-10 lists, tier-1 support, x86-64 and gpt-4 are "
        "words.",
        "The AWS us-east-1 and eu-west-1 regions and GCP us-central1 were affected.",
        "It ran from 10:05 to 10:52 (UTC), at a 16:9 ratio, for 2-3 minutes in the last-24-hours "
        "view.",
        "We published backup-2024-05-01 and windows-server-2019 notes, and std::vector in C++.",
        "Status:503 errors rose to 4%; the HTTP 503 rate fell at 11:00.",
        "The state-of-the-art, end-to-end, real-time pipeline is back.",
    ],
)
def test_it_does_not_flag_public_names_words_and_numbers_as_hosts(body: str) -> None:
    assert flagged(body, "external-host") == []


# --- speculation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, words",
    [
        ("The cause was probably a bad config push.", "probably"),
        ("We believe the load balancer dropped connections.", "We believe"),
        ("We suspect a race in the scheduler.", "We suspect"),
        ("Some writes may have been lost.", "may have"),
        ("The retry storm could have been caused by the deploy.", "could have been"),
        ("It seems the certificate had expired earlier.", "It seems"),
        ("The queue appears to have stalled at 10:02.", "appears to have"),
        ("The most likely cause is a kernel bug.", "most likely"),
        ("Our best guess is a memory leak.", "Our best guess"),
        ("We are not sure why the cache emptied.", "not sure"),
        ("The fault is believed to be in a switch.", "is believed to"),
        ("It looks like the cache was cold.", "It looks like"),
        ("Customers were potentially affected.", "potentially"),
        ("原因はおそらく設定ミスです。", "おそらく"),
        ("ネットワーク機器の故障と思われます。", "と思われ"),
        ("設定変更が影響したかもしれません。", "かもしれ"),
        ("データが失われた可能性があります。", "可能性があ"),
        ("原因は証明書の期限切れと推測しています。", "と推測"),
        ("キャッシュの不整合が原因のようです。", "ようです"),
        ("原因はディスク障害である見込みです。", "見込み"),
        ("ストレージの不具合が原因と考えられます。", "と考えられ"),
        ("二重決済が発生した可能性がございます。", "可能性がござ"),
        ("設定ミスの可能性は否定できません。", "可能性は否定でき"),
        ("負荷が高まったためと考えております。", "ためと考えており"),
    ],
)
def test_it_flags_speculation(body: str, words: str) -> None:
    assert flagged(body, "external-speculation", "en" if body.isascii() else "ja") == [words]


@pytest.mark.parametrize(
    "body",
    [
        "You may have noticed slower page loads. You might have seen a banner.",
        "You may have to sign in again.",
        "Retries made timeouts more likely. This is less likely to recur.",
        "This could have been prevented with a canary stage.",
        "The banner appears on the status page. We believe in publishing every report.",
        "The certificate expired at 00:00 UTC; renewal had failed silently.",
        "復旧の見込みは18時です。影響件数は約3,000件と推定されます。",
        "同様の事象が再発する可能性があります。",
        "詳細は以下のとおりです。次のように対応しました。",
        "引き続き改善に努めたいと思います。対策が必要と考えております。",
        "The theory of relativity. We looked like heroes.",
        "多分に含まれる要素があります。",
    ],
)
def test_it_does_not_flag_confirmed_facts_and_forecasts_as_speculation(body: str) -> None:
    assert flagged(body, "external-speculation") == []


# --- promises ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, words",
    [
        ("This will never happen again.", "never happen again"),
        ("This won't happen again.", "won't happen again"),
        ("The issue will not recur.", "will not recur"),
        ("We guarantee it.", "guarantee"),
        ("We now offer 100% uptime.", "100% uptime"),
        ("The new checks completely eliminate the risk.", "completely eliminate"),
        (
            "We will ensure that this will never happen again.",
            "ensure that this will never happen again",
        ),
        (
            "We added alerts to make sure it does not happen again.",
            "make sure it does not happen again",
        ),
        ("Zero downtime from now on.", "Zero downtime from now on"),
        ("今後、このような障害は二度と発生しません。", "二度と発生しません"),
        ("二度と発生することはございません。", "二度と発生することはございません"),
        ("同様の障害は再発しません。", "再発しません"),
        ("再発することはありません。", "再発することはありません"),
        (
            "今後、同様の事象が発生することはありません。",
            "今後、同様の事象が発生することはありません",
        ),
        ("安定稼働を保証いたします。", "保証いたします"),
        ("障害を完全に防止します。", "完全に防止"),
        ("絶対に起こしません。", "絶対に"),
        ("今後は障害を起こさないことをお約束します。", "今後は障害を起こさない"),
    ],
)
def test_it_flags_promises_as_errors(body: str, words: str) -> None:
    [finding] = [f for f in check(body) if f.rule_id == "external-promise"]
    assert (finding.text, finding.severity) == (words, "error")


@pytest.mark.parametrize(
    "body",
    [
        "We cannot guarantee this will never happen again.",
        "There is no guarantee, but the risk is lower.",
        "We added alerts to help ensure this does not happen again.",
        "These changes reduce the risk of this happening again.",
        "The error never occurred before May.",
        "再発しないよう、監視を強化しました。",
        "再発防止策として、証明書の自動更新を導入しました。",
        "今後も同様の事象が発生しないよう努めてまいります。",
        "再発しないとは言い切れませんが、リスクは下がりました。",
        "本来、絶対にあってはならない事態でした。",
        "保証いたしかねます。",
    ],
)
def test_it_does_not_flag_aims_disclaimers_and_contrition_as_promises(body: str) -> None:
    assert flagged(body, "external-promise") == []


@pytest.mark.parametrize(
    "body, words",
    [
        ("再発防止に万全を期してまいります。", "万全を期してまいります"),
        ("二度とこのような事態が起きないよう努めます。", "二度とこのような事態が起きない"),
        ("We will do everything we can to prevent this.", "do everything we can"),
    ],
)
def test_it_marks_stock_assurances_as_information_with_their_own_advice(
    body: str, words: str
) -> None:
    [finding] = check(body, ui_lang="ja")
    assert (finding.rule_id, finding.text, finding.severity) == ("external-promise", words, "info")
    assert finding.message.startswith("定型的な決意表明")
    assert "具体的な対策" in finding.suggestion


# --- jargon -----------------------------------------------------------------------------------


def test_it_flags_unexplained_acronyms_and_sre_words_once_each() -> None:
    body = (
        "We missed our SLO after a failover to a read replica. The SLOs recovered; "
        "p99 latency and MTTR were high, K8S pods restarted, and the failover took 4 minutes."
    )
    assert flagged(body, "external-jargon") == [
        "SLO",
        "failover",
        "read replica",
        "p99",
        "MTTR",
        "K8S",
        "pods",
    ]


def test_it_flags_japanese_jargon_and_full_width_acronyms() -> None:
    body = (
        "フェイルオーバーが発生し、ロールバックを実施しました。"
        "ＳＬＯを下回りました。ＡＰＩは正常です。"
    )
    assert flagged(body, "external-jargon", "ja") == ["フェイルオーバー", "ロールバック", "ＳＬＯ"]


@pytest.mark.parametrize(
    "body",
    [
        "The API returned HTTP 503 for some URLs; the FAQ, PDF and CSV exports, JSON and IDs "
        "were fine.",
        "It lasted from 10:05 AM to 11:00 AM UTC (JST 19:05) in the US, EU and UK, per our SLA.",
        "The IT team and our CEO reviewed it in Q3. Phase II starts next week. NOTE: all is OK.",
        "ROOT CAUSE ANALYSIS FOR THE OUTAGE",
        "Time To Live (TTL) values were short; the TTL was raised.",
        "The TTL (time to live) was short.",
        "The TTL, the time an answer is cached, was short.",
        "A safety switch called a circuit breaker opened.",
        "Service Level Objective (SLO) was missed.",
        "TTL（キャッシュの有効期限）を短縮しました。",
        "キャッシュの有効期限（TTL）を短縮しました。",
        "予備系への自動切り替え（フェイルオーバー）が行われました。フェイルオーバーは成功しました。",
        "Podcasts, iPods and AirPods are consumer products.",
        "ポッドキャストを公開しました。",
    ],
)
def test_it_does_not_flag_known_or_explained_terms(body: str) -> None:
    assert flagged(body, "external-jargon", "en" if body.isascii() else "ja") == []


def test_it_does_not_flag_explanations_that_are_only_numbers_or_list_items() -> None:
    body = "The TTL (5 minutes) was short. We did a failover, a rollback, and a restart."
    assert flagged(body, "external-jargon") == ["TTL", "failover", "rollback"]


@pytest.mark.parametrize(
    "glossary",
    [
        "TTL: how long a cached DNS answer is kept.\nfailover: switching to a standby.",
        "- **TTL** — how long an answer is kept\n- **Failover** — switching to a standby",
        "| Term | Meaning |\n|---|---|\n| TTL | time to live |\n| failover | switching |",
        "TTL（有効期限）: キャッシュを保持する時間\nフェイルオーバー: 予備系への切り替え\nfailover",
    ],
)
def test_it_does_not_flag_terms_defined_in_the_glossary(glossary: str) -> None:
    body = "The TTL was 1 day, so the failover took hours. MTTR rose."
    assert flagged(body, "external-jargon", glossary=glossary) == ["MTTR"]


# --- offsets and odd input ----------------------------------------------------------------------


def test_it_returns_findings_sorted_by_start_with_offsets_into_the_markdown() -> None:
    body = (
        "## Summary\n\n- **We think** `db-prod-03` failed over.\n"
        "> @bob: this will never happen again, and the SLO is fine.\n"
    )
    findings = check(body)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [(f.rule_id, f.text) for f in findings] == [
        ("external-speculation", "We think"),
        ("external-host", "db-prod-03"),
        ("external-jargon", "failed over"),
        ("external-internal-name", "@bob"),
        ("external-promise", "never happen again"),
        ("external-jargon", "SLO"),
    ]


def test_it_accepts_empty_text_and_lone_surrogates() -> None:
    assert check("") == []
    assert check("\ud800") == []
    body = "\ud800 db-prod-03\udfff probably \ud800"
    assert [f.text for f in check(body)] == ["db-prod-03", "probably"]
    [name] = check("x al\ud800ce y", internal_names=["al\ud800ce"])
    assert name.text == "al\ud800ce" and name.fingerprint


@pytest.mark.parametrize(
    "body",
    ["a" * 100_000, "a-" * 50_000, "1." * 50_000, ":" * 50_000, "a.a." * 25_000, "@" * 50_000,
     "(TTL" * 20_000, "二度と" * 20_000, "http://" * 10_000, "A" * 100_000],
)  # fmt: skip
def test_it_checks_long_odd_tokens_to_the_end(body: str) -> None:
    """Inputs that make a backtracking pattern blow up (its speed is bench/lint.py's)."""
    findings = check(body, internal_names=["Alice", "田中"])
    assert all(0 <= f.start < f.end <= len(body) for f in findings)


def test_it_checks_fifty_thousand_characters_like_each_paragraph() -> None:
    paragraph = (
        "We think db-prod-03 probably failed over at 10.0.0.1:5432; see http://grafana.internal/x. "
        "This will never happen again. The SLO and TTL were missed for customers in the EU. "
        "原因はおそらく設定です。二度と発生しません。@bob read-only follow-up e-mail. "
    )
    times = 50_000 // len(paragraph)
    names = ["Alice", "bob", "田中"]
    once = check(paragraph, internal_names=names, glossary="MTTR: x")

    body = paragraph * times
    findings = check(body, internal_names=names, glossary="MTTR: x")

    # The same rules as for one paragraph, found to the very last one (some, like a term's
    # first use, only once per text).
    assert {f.rule_id for f in findings} == {f.rule_id for f in once}
    assert len(findings) > times * len(once) // 2
    assert max(f.start for f in findings) >= len(body) - len(paragraph)
