from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST
from hansei.postmortems.document.models import Postmortem
from hansei.search.models import SearchDocument
from hansei.search.queries import search_postmortems
from hansei.search.services import index_postmortem, reindex_all, remove_postmortem


def titles(user: Any, query: str = "", **filters: Any) -> list[str]:
    page = search_postmortems(user=user, query=query, **filters)
    return [r.postmortem.title for r in page.results]


def snippet(user: Any, query: str) -> str:
    [result] = search_postmortems(user=user, query=query).results
    return str(result.snippet)


def set_published(postmortem: Any, when: date) -> None:
    moment = timezone.make_aware(datetime(when.year, when.month, when.day, 12))
    Postmortem.objects.filter(pk=postmortem.pk).update(published_at=moment)


# --- languages and ranking ------------------------------------------------------------------


def test_it_finds_japanese_words(publish: Any, alice: Any) -> None:
    publish("決済APIの停止", "データベースの障害により決済が止まった。")
    publish("Cache warmup", "Nothing Japanese here.")

    assert titles(alice, "障害") == ["決済APIの停止"]
    assert titles(alice, "データベース障害") == ["決済APIの停止"]
    assert titles(alice, "決済") == ["決済APIの停止"]


def test_it_finds_english_words_by_their_stem(publish: Any, alice: Any) -> None:
    publish("Bad rollout", "Every deploy of the billing service failed.")
    publish("Cache warmup", "Nothing relevant here.")

    assert titles(alice, "deploys") == ["Bad rollout"]
    assert titles(alice, "DEPLOYING billing") == ["Bad rollout"]


def test_it_ranks_every_word_first_then_most_of_them(publish: Any, alice: Any) -> None:
    publish("Queue backlog", "The ledger queue grew for hours.")
    publish("Ledger drift", "Balances drifted apart.")
    publish("Cache warmup", "Nothing relevant here.")

    page = search_postmortems(user=alice, query="ledger queue")

    assert [r.postmortem.title for r in page.results] == ["Queue backlog", "Ledger drift"]
    assert [r.missing for r in page.results] == [[], ["queue"]]
    assert not page.partial
    assert sorted(titles(alice, "ledger")) == ["Ledger drift", "Queue backlog"]


def test_it_searches_the_timeline_and_action_items_but_not_the_team_name(
    publish: Any, alice: Any
) -> None:
    postmortem = publish(
        "Quiet title",
        "Quiet summary.",
        timeline=["The failover hung"],
        actions=["Add a canary stage"],
    )

    for query in ["failover", "canary", "quiet"]:
        assert titles(alice, query) == [postmortem.title], query
    # The team is a filter and a facet: as a word it would match every postmortem it owns.
    assert titles(alice, "payments") == []
    assert titles(alice, team=postmortem.team.slug) == [postmortem.title]


def test_it_ranks_a_title_match_above_a_body_match(publish: Any, alice: Any) -> None:
    publish("Cache stampede", "Too many requests missed at once; the kafka consumers lagged.")
    publish("Kafka consumer lag", "Consumers fell behind after a rebalance.")

    page = search_postmortems(user=alice, query="kafka")

    assert [r.postmortem.title for r in page.results] == ["Kafka consumer lag", "Cache stampede"]
    assert page.results[0].rank > page.results[1].rank > 0


def test_it_highlights_matches_in_the_snippet(publish: Any, alice: Any) -> None:
    publish("Checkout outage", "A certificate expired on the checkout gateway.")

    assert "<mark>certificate</mark> expired" in snippet(alice, "certificates")


def test_it_escapes_html_in_snippets(publish: Any, alice: Any) -> None:
    publish("Injected", 'The form accepted <script>alert("x")</script> in the zipcode field.')

    for query in ["zipcode", ""]:
        [result] = search_postmortems(user=alice, query=query).results
        html = str(result.snippet)
        assert "<script>" not in html
        assert "zipcode" in html
        if query:
            assert "<mark>zipcode</mark>" in html
    if connection.vendor == "sqlite":
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in snippet(alice, "zipcode")


def test_japanese_snippets_read_without_spaces_between_words(publish: Any, alice: Any) -> None:
    publish("決済の停止", "本番データベースの障害により決済が三十分止まった。")

    html = snippet(alice, "障害")

    assert "本番データベースの<mark>障害</mark>により決済が三十分止まった。" in html


def test_it_returns_the_latest_revision(publish: Any, alice: Any) -> None:
    postmortem = publish("Disk full", "The log volume filled up.")

    [result] = search_postmortems(user=alice, query="volume").results

    assert result.postmortem == postmortem
    assert result.revision == postmortem.latest_revision()
    assert result.severity is not None and result.severity.name == "SEV2"


# --- listing, filters and pages -------------------------------------------------------------


def test_without_a_query_it_lists_newest_first(publish: Any, alice: Any) -> None:
    old = publish("Old one")
    publish("Middle one")
    publish("New one")
    set_published(old, timezone.localdate() - timedelta(days=30))

    page = search_postmortems(user=alice)

    assert [r.postmortem.title for r in page.results] == ["New one", "Middle one", "Old one"]
    assert page.total == 3
    assert all(r.rank == 0.0 for r in page.results)


def test_it_filters_by_team_service_and_severity(
    publish: Any, alice: Any, ada: Any, charlie: Any, search_team: Any, checkout: Any, sev: Any
) -> None:
    publish("Checkout down", "outage", services=[checkout], severity=sev(1))
    publish("Refunds slow", "outage", severity=sev(3))
    publish("Indexer stuck", "outage", actor=charlie, team=search_team)

    assert titles(ada, "outage", team="search") == ["Indexer stuck"]
    assert sorted(titles(ada, team="payments")) == ["Checkout down", "Refunds slow"]
    assert titles(ada, "outage", service="checkout") == ["Checkout down"]
    assert titles(ada, severity="SEV3") == ["Refunds slow"]
    assert titles(ada, severity="SEV1", team="search") == []
    assert titles(ada, team="no-such-team") == []


def test_it_filters_by_published_date(publish: Any, alice: Any) -> None:
    january = publish("January incident", "outage")
    march = publish("March incident", "outage")
    set_published(january, date(2025, 1, 15))
    set_published(march, date(2025, 3, 15))

    assert titles(alice, "outage", date_from=date(2025, 2, 1)) == ["March incident"]
    assert titles(alice, date_to=date(2025, 2, 1)) == ["January incident"]
    assert titles(alice, date_from=date(2025, 1, 15), date_to=date(2025, 1, 15)) == [
        "January incident"
    ]


def test_it_pages_through_results(publish: Any, alice: Any) -> None:
    for n in range(5):
        publish(f"Outage {n}", "outage")

    first = search_postmortems(user=alice, limit=2)
    last = search_postmortems(user=alice, limit=2, offset=4)

    assert first.total == last.total == 5
    assert [r.postmortem.title for r in first.results] == ["Outage 4", "Outage 3"]
    assert [r.postmortem.title for r in last.results] == ["Outage 0"]


# --- privacy --------------------------------------------------------------------------------


def test_restricted_postmortems_are_found_only_by_those_who_may_read_them(
    publish: Any, alice: Any, bob: Any, charlie: Any, rita: Any, ada: Any
) -> None:
    publish("Secret breach", "credentials leaked", restricted=True)
    publish("Public outage", "credentials expired")

    assert sorted(titles(bob, "credentials")) == ["Public outage", "Secret breach"]
    assert sorted(titles(rita, "credentials")) == ["Public outage", "Secret breach"]
    assert sorted(titles(ada, "credentials")) == ["Public outage", "Secret breach"]
    assert titles(charlie, "credentials") == ["Public outage"]
    assert titles(charlie) == ["Public outage"]
    assert search_postmortems(user=charlie, query="leaked").total == 0


def test_drafts_are_never_found(publish: Any, make_postmortem: Any, alice: Any, ada: Any) -> None:
    from hansei.postmortems.document.services import update_section

    draft = make_postmortem(title="Unfinished draft")
    update_section(actor=alice, section=draft.sections.first(), body="hippopotamus")
    index_postmortem(draft)  # even if something asks for it, a draft is not indexed

    assert titles(alice, "hippopotamus") == []
    assert titles(ada, "draft") == []
    assert titles(ada) == []


def test_an_amendment_in_progress_does_not_leak(publish: Any, alice: Any, rita: Any) -> None:
    from hansei.postmortems.document.services import (
        publish_postmortem,
        start_amendment,
        update_section,
    )
    from hansei.reviews.services import approve_review, submit_for_review

    postmortem = publish("Amended one", "The original wording about giraffes.")
    start_amendment(actor=alice, postmortem=postmortem)
    section = postmortem.sections.filter(kind="markdown").order_by("position").first()
    update_section(actor=alice, section=section, body="New wording about zebras.")

    assert titles(alice, "zebras") == []
    [result] = search_postmortems(user=alice, query="giraffes").results
    assert result.revision.number == 1

    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Ok.")
    publish_postmortem(actor=alice, postmortem=postmortem, change_note="Animals changed.")

    assert titles(alice, "giraffes") == []
    [result] = search_postmortems(user=alice, query="zebras").results
    assert result.revision.number == 2


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"foo',
        "AND OR *",
        "NEAR(",
        "*",
        '"',
        "'",
        "foo)",
        "-",
        "title:foo",
        "^x",
        "{a b}",
        "NOT",
        "\\",
        "%",
        "_",
        "a & | ! b",
        "<->",
        "foo:*",
        "\u3000",
        "\ue000",
    ],
)
def test_odd_queries_never_raise(publish: Any, alice: Any, query: str) -> None:
    publish("Ordinary", "foo bar and or not near title")

    page = search_postmortems(user=alice, query=query)

    assert page.total == len(page.results)


def test_operators_in_a_query_are_searched_as_words(publish: Any, alice: Any) -> None:
    publish("Logic", "near the foo")
    publish("Other", "something else")

    assert titles(alice, 'NEAR( "foo') == ["Logic"]
    assert titles(alice, "***") == []


def test_a_query_over_200_characters_is_refused(alice: Any) -> None:
    with pytest.raises(ValidationError, match="at most 200 characters"):
        search_postmortems(user=alice, query="x" * 201)
    assert search_postmortems(user=alice, query="x" * 200).total == 0


def test_dates_in_the_wrong_order_are_refused(alice: Any) -> None:
    with pytest.raises(ValidationError, match="start date"):
        search_postmortems(user=alice, date_from=date(2025, 2, 1), date_to=date(2025, 1, 1))


def test_a_bad_page_is_refused(alice: Any) -> None:
    with pytest.raises(ValidationError):
        search_postmortems(user=alice, limit=0)
    with pytest.raises(ValidationError):
        search_postmortems(user=alice, offset=-1)


# --- index maintenance ----------------------------------------------------------------------


def test_removing_a_postmortem_takes_it_out_of_search(publish: Any, alice: Any) -> None:
    postmortem = publish("Gone soon", "walrus")

    remove_postmortem(postmortem)

    assert titles(alice, "walrus") == []
    assert not SearchDocument.objects.filter(postmortem=postmortem).exists()


def test_reindex_all_rebuilds_the_index_from_published_revisions(
    publish: Any, make_postmortem: Any, alice: Any
) -> None:
    first = publish("First", "penguin")
    publish("Second", "penguin colony")
    make_postmortem(title="A draft")
    remove_postmortem(first)

    assert reindex_all() == 2

    assert sorted(titles(alice, "penguin")) == ["First", "Second"]
    assert SearchDocument.objects.count() == 2


@pytest.mark.sqlite_only
def test_on_sqlite_the_index_is_an_fts5_table(publish: Any) -> None:
    postmortem = publish("Stored", "otter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
        [(sql,)] = cursor.fetchall()
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'otter'")
        assert cursor.fetchall() == [(postmortem.pk,)]
    # Stemming is done before the text reaches the index, the same way on both databases.
    assert "fts5" in sql and "unicode61" in sql and "porter" not in sql


def test_it_tolerates_typos(publish: Any, alice: Any) -> None:
    publish("Payment provider timeout", "The acquirer stopped answering.")
    publish("Cache warmup", "Nothing relevant here.")

    assert titles(alice, "provdier") == ["Payment provider timeout"]
    assert titles(alice, "acquirer timout") == ["Payment provider timeout"]
    assert "<mark>acquirer</mark>" in snippet(alice, "acqiurer")
    assert "Payment provider timeout" in titles(alice, "paymnet")


@pytest.mark.postgres
def test_on_postgresql_the_index_uses_gin(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'search_%%'"
        )
        indexes = dict(cursor.fetchall())
    assert "USING gin" in indexes["search_document_vector"]
