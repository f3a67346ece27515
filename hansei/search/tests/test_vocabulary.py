"""The index's vocabulary (terms and how many documents have each) and rebuilding the index."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from hansei.search import vocabulary
from hansei.search.models import SearchDocument, SearchTerm
from hansei.search.queries import search_postmortems
from hansei.search.services import reindex_all, remove_postmortem


def documents(word: str) -> int:
    return SearchTerm.objects.get(word=word).documents


def index_state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = SearchDocument.objects.order_by("pk").values_list(
        "pk", "revision_id", "title", "summary", "body", *("title_terms", "body_terms")
    )
    terms = SearchTerm.objects.filter(documents__gt=0).order_by("word")
    return list(rows), list(terms.values_list("word", "surface", "initial", "length", "documents"))


def test_each_term_counts_the_documents_that_have_it(publish: Any) -> None:
    first = publish("Walrus outage", "The walrus queue stalled.")
    publish("Walrus and narwhal", "A narwhal appeared.")

    assert documents("walrus") == 2 and documents("narwhal") == 1
    assert SearchTerm.objects.get(word="walrus").surface == "walrus"

    remove_postmortem(first)

    assert documents("walrus") == 1 and documents("narwhal") == 1
    remove_postmortem(first)  # twice: nothing counted twice
    assert documents("walrus") == 1


def test_reindexing_everything_rebuilds_what_publishing_wrote(publish: Any, alice: Any) -> None:
    publish("Certificate expired", "The certificates expired overnight.", actions=("Rotate",))
    publish("決済の障害", "データベースの切り替えに失敗した。", language="ja")
    publish(
        "Kafka consumer lag", "Consumers fell behind.", timeline=("Paged the on-call engineer",)
    )
    before = index_state()
    found = [r.postmortem.pk for r in search_postmortems(user=alice, query="certificate").results]

    assert reindex_all() == 3

    assert index_state() == before
    assert documents("certif") == 1 and documents("n") == 3
    assert [
        r.postmortem.pk for r in search_postmortems(user=alice, query="certificate").results
    ] == found
    assert [r.postmortem.title for r in search_postmortems(user=alice, query="切替").results] == [
        "決済の障害"
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_are_locked_in_word_order_before_any_is_counted() -> None:
    """Another publication holds "alpha"; one counting "zeta" up and "alpha" down must wait
    for it *before* taking "zeta", or the two could each hold what the other needs."""
    SearchTerm.objects.create(word="alpha", initial="a", length=5, documents=1)
    SearchTerm.objects.create(word="zeta", initial="z", length=4, documents=0)
    failures: list[BaseException] = []

    def publication() -> None:
        try:
            with transaction.atomic():
                vocabulary.count({"zeta"}, {"alpha"}, {})
        except BaseException as error:  # reported by the test thread
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        SearchTerm.objects.select_for_update().get(word="alpha")
        other = threading.Thread(target=publication)
        other.start()
        deadline = time.monotonic() + 30
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0] or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        # The other publication waits for "alpha" and holds nothing else yet.
        SearchTerm.objects.select_for_update(nowait=True).get(word="zeta")
    other.join(30)

    assert not other.is_alive() and failures == []
    assert documents("alpha") == 0 and documents("zeta") == 1
