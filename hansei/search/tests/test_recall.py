"""Search that finds: natural sentences, word families, synonyms, typos, Japanese spelling
variants, no boilerplate in the index, snippets from the best passage, facets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hansei.postmortems.analysis.models import ContributingFactor, ContributingFactorCategory
from hansei.search.models import SearchDocument, Synonym
from hansei.search.queries import search_postmortems
from hansei.search.services import (
    add_synonym,
    delete_synonym,
    index_postmortem,
    reindex_stale,
)


def titles(user: Any, query: str = "", **filters: Any) -> list[str]:
    page = search_postmortems(user=user, query=query, **filters)
    return [r.postmortem.title for r in page.results]


def test_a_natural_sentence_finds_what_it_describes(publish: Any, alice: Any) -> None:
    publish("Log volume full", "The log volume ran out of disk space and writes failed.")
    publish("Bad rollout", "A deployment of the billing service broke checkout.")
    publish("Cache warmup", "Nothing relevant here.")

    assert titles(alice, "ran out of disk space") == ["Log volume full"]
    assert titles(alice, "outage caused by a bad deploy") == ["Bad rollout"]
    assert titles(alice, "the disk was full")[0] == "Log volume full"


def test_a_query_of_stop_words_alone_still_finds(publish: Any, alice: Any) -> None:
    publish("Who was on call", "It was not clear who was on call.")
    publish("Cache warmup", "Nothing relevant here.")

    assert titles(alice, "who was") == ["Who was on call"]


def test_word_families_are_joined(publish: Any, alice: Any) -> None:
    publish("Certificate expiry", "The certificate's expiry went unnoticed.")
    publish("Rollout", "The deployment stalled halfway.")

    assert titles(alice, "expired") == ["Certificate expiry"]
    assert titles(alice, "expiration") == ["Certificate expiry"]
    assert titles(alice, "deploy") == ["Rollout"]
    assert titles(alice, "deployed") == ["Rollout"]


def test_built_in_synonyms_and_abbreviations_are_searched(publish: Any, alice: Any) -> None:
    publish("Cert renewal missed", "The TLS certificate was not renewed.")
    publish("Cluster upgrade", "The kubernetes control plane upgrade stalled.")
    publish("Primary overloaded", "The database primary ran hot.")
    publish("Token errors", "Clock drift on two hosts broke token checks.")

    assert titles(alice, "cert") == ["Cert renewal missed"]
    assert titles(alice, "certificate")[0] == "Cert renewal missed"
    assert titles(alice, "k8s") == ["Cluster upgrade"]
    assert titles(alice, "DB primary") == ["Primary overloaded"]
    assert titles(alice, "clock skew") == ["Token errors"]


def test_admins_add_synonyms_that_searches_use(publish: Any, alice: Any, ada: Any) -> None:
    publish("Acquirer down", "The payment service provider refused every charge.")

    assert titles(alice, "PSP") == []
    synonym = add_synonym(actor=ada, words=" PSP ,payment service provider, PSP")
    assert synonym.words == "PSP, payment service provider"
    assert titles(alice, "PSP") == ["Acquirer down"]

    delete_synonym(actor=ada, synonym=synonym)
    assert titles(alice, "PSP") == []


def test_a_synonym_needs_two_words_and_an_admin(alice: Any, ada: Any) -> None:
    with pytest.raises(PermissionDenied):
        add_synonym(actor=alice, words="PSP, payment service provider")
    for words in ["PSP", "PSP, psp", " , ", "x" * 301 + ", y"]:
        with pytest.raises(ValidationError):
            add_synonym(actor=ada, words=words)
    assert not Synonym.objects.exists()


def test_typos_are_tolerated_and_corrected(publish: Any, alice: Any) -> None:
    publish("Payment provider timeout", "The acquirer stopped answering.")
    publish("Cache warmup", "Nothing relevant here.")

    page = search_postmortems(user=alice, query="paymnet timout")

    assert [r.postmortem.title for r in page.results] == ["Payment provider timeout"]
    assert page.corrected == "payment timeout"
    assert search_postmortems(user=alice, query="payment").corrected is None
    # A short word is too short to tell a typo from another word.
    assert search_postmortems(user=alice, query="thw").corrected is None


def test_japanese_spelling_variants_find_each_other(publish: Any, alice: Any) -> None:
    publish("DB切り替え失敗", "深夜のデータベース切り替えに失敗した。")
    publish("サーバ移行", "新しいサーバへ切替えた。")
    publish("Cache warmup", "Nothing relevant here.")

    assert sorted(titles(alice, "切替")) == ["DB切り替え失敗", "サーバ移行"]
    assert "サーバ移行" in titles(alice, "サーバー")
    # A compound's parts are found too.
    assert titles(alice, "データベース") == ["DB切り替え失敗"]


def test_japanese_and_english_synonyms_cross(publish: Any, alice: Any) -> None:
    publish("証明書の期限切れ", "証明書の有効期限が切れていた。", language="ja")
    publish("Cache warmup", "Nothing relevant here.")

    assert titles(alice, "certificate") == ["証明書の期限切れ"]


def test_boilerplate_is_not_indexed(publish: Any, alice: Any) -> None:
    postmortem = publish("Quiet title", "The checkout stalled.")
    document = SearchDocument.objects.get(postmortem=postmortem)

    # The automatic timeline entries ("Incident recorded: …", "Detected: …") and the
    # pre-filled impact lines are in every postmortem.
    assert "recorded" not in document.body.lower()
    assert "impact duration" not in document.body.lower()
    assert titles(alice, "recorded") == []
    assert titles(alice, "checkout") == ["Quiet title"]


def test_the_snippet_is_the_summary_when_only_the_title_matches(publish: Any, alice: Any) -> None:
    publish("Kafka lag", "Consumers fell behind after a rebalance.", timeline=["Paged the team"])

    [result] = search_postmortems(user=alice, query="kafka").results

    assert str(result.snippet).startswith("Consumers fell behind")


def test_the_snippet_is_the_passage_matching_most_words(publish: Any, alice: Any) -> None:
    publish(
        "Slow checkout",
        "Checkout was slow for an hour.",
        timeline=["Rolled back the config", "The redis cluster failover finished"],
    )

    [result] = search_postmortems(user=alice, query="redis failover").results

    assert "<mark>redis</mark> cluster <mark>failover</mark>" in str(result.snippet)


def test_facets_count_the_results_by_team_service_severity_factor_and_year(
    publish: Any, alice: Any, charlie: Any
) -> None:
    first = publish("Queue stalled", "The queue stalled.")
    publish("Queue drained slowly", "The queue drained slowly.")
    publish("Queue secrets", "A restricted queue story.", restricted=True)
    publish("Cache warmup", "Nothing relevant here.")
    category = ContributingFactorCategory.objects.create(name="Queue capacity")
    ContributingFactor.objects.create(postmortem=first, category=category, description="Small")
    index_postmortem(first)

    page = search_postmortems(user=alice, query="queue", with_facets=True)

    facets = {f.name: {v.label: v.count for v in f.values} for f in page.facets}
    assert facets["team"] == {first.team.name: 3}
    assert facets["factor"] == {"Queue capacity": 1}
    assert sum(facets["severity"].values()) == 3
    assert facets["year"] == {str(first.published_at.year): 3}
    assert titles(alice, "queue", factor=category.pk) == ["Queue stalled"]
    assert titles(alice, "queue", year=first.published_at.year + 1) == []
    # Someone of another team does not count the restricted one.
    outside = search_postmortems(user=charlie, query="queue", with_facets=True)
    assert outside.total == 2
    assert {f.name: [v.count for v in f.values] for f in outside.facets}["team"] == [2]


def test_a_bad_year_is_refused(alice: Any) -> None:
    with pytest.raises(ValidationError):
        search_postmortems(user=alice, query="x", year=12)


def test_documents_an_older_version_indexed_are_rebuilt_after_migrating(
    publish: Any, alice: Any
) -> None:
    postmortem = publish("Old index", "Written before terms existed.")
    SearchDocument.objects.filter(postmortem=postmortem).update(
        title_terms="", summary_terms="", body_terms="", field_terms=""
    )

    assert reindex_stale() == 1

    assert SearchDocument.objects.get(postmortem=postmortem).title_terms == "old index"
    assert titles(alice, "written") == ["Old index"]
    assert reindex_stale() == 0


def test_a_factor_id_past_what_a_database_holds_is_refused(alice: Any) -> None:
    for factor in (0, -(2**70), 2**63):
        with pytest.raises(ValidationError):
            search_postmortems(user=alice, query="x", factor=factor)
