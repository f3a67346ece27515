"""Archive search speed: Hansei's search against a raw full-text query on the same index.

    .venv/bin/python bench/search.py [--docs 2000] [--rounds 200]
    HANSEI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hansei_bench \
        .venv/bin/python bench/search.py

It builds a throwaway database (SQLite in a temporary directory, or the PostgreSQL database
named by HANSEI_DATABASE_URL, which it drops and recreates), publishes ``--docs`` postmortems
into the index, then times, for the same queries:

* the reference: one raw SQL full-text query returning the 20 best ids (FTS5 bm25 on SQLite,
  ts_rank over the GIN-indexed vector on PostgreSQL);
* Hansei: ``search_postmortems`` as the archive page calls it, for a member of one team: query
  parsing and Japanese segmentation, visibility rules, ranking, counting, snippets, revisions.

It prints milliseconds per query for both and the ratio Hansei / reference.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from timing import median_ms  # bench/timing.py (run as python bench/search.py)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "deploy",
    "config",
    "cache",
    "database",
    "connection",
    "pool",
    "retry",
    "timeout",
    "queue",
    "latency",
    "replica",
    "failover",
    "certificate",
    "dns",
    "partition",
    "index",
    "rollback",
    "alert",
    "pager",
    "load",
    "balancer",
    "kafka",
    "consumer",
    "lag",
    "memory",
    "leak",
    "disk",
    "quota",
    "throttling",
    "migration",
    "schema",
    "lock",
    "contention",
    "gateway",
    "webhook",
    "merchant",
    "payment",
    "checkout",
    "search",
    "suggestion",
    "cluster",
    "autoscaler",
    "node",
]
JAPANESE = (
    "データベースの障害により決済サービスが停止した。",
    "インデックスの切り替えに失敗し検索結果が0件になった。",
    "証明書の期限切れで外部連携がタイムアウトした。",
)
QUERIES = ("connection pool", "retry timeout", "certificate", "障害", "kafka consumer lag")


def _setup(docs: int) -> None:
    if not os.environ.get("HANSEI_DATABASE_URL"):
        os.environ["HANSEI_DATA_DIR"] = tempfile.mkdtemp(prefix="hansei-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")
    os.environ["HANSEI_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    _publish(docs)


def _text(rng: random.Random, sentences: int) -> str:
    lines = []
    for _ in range(sentences):
        if rng.random() < 0.1:
            lines.append(rng.choice(JAPANESE))
        else:
            lines.append(" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + ".")
    return "\n\n".join(lines)


def _publish(docs: int) -> None:
    """Published postmortems written straight to the tables, then indexed the way
    ``hansei reindex`` does (setup, not what is measured)."""
    from django.db import transaction
    from django.utils import timezone

    from hansei.accounts.models import Membership, Team, User
    from hansei.postmortems.document.models import Postmortem, Revision, Status
    from hansei.search.services import reindex_all

    rng = random.Random(42)
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(5)]
    reader = User.objects.create_user("reader", role="member")
    Membership.objects.create(user=reader, team=teams[0])
    now, today = timezone.now(), timezone.localdate()
    with transaction.atomic():
        for start in range(0, docs, 1000):
            numbers = range(start, min(docs, start + 1000))
            titles = [
                f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} incident {i}"
                for i in numbers
            ]
            postmortems = Postmortem.objects.bulk_create(
                Postmortem(
                    title=title,
                    team=teams[i % 5],
                    owner=reader,
                    due_date=today,
                    status=Status.PUBLISHED,
                    published_at=now,
                    restricted=(i % 7 == 0),
                )
                for i, title in zip(numbers, titles, strict=True)
            )
            Revision.objects.bulk_create(
                Revision(postmortem=postmortem, number=1, snapshot=_snapshot(rng, postmortem))
                for postmortem in postmortems
            )
        started = time.perf_counter()
        reindex_all()
    print(f"setup: {docs} postmortems indexed in {time.perf_counter() - started:.1f} s")


def _snapshot(rng: random.Random, postmortem: object) -> dict[str, object]:
    sections = [
        {"key": key, "title": key, "kind": "markdown", "body": _text(rng, 6)}
        for key in ("summary", "impact", "root_causes", "trigger", "resolution")
    ]
    return {
        "title": postmortem.title,  # type: ignore[attr-defined]
        "team": postmortem.team.name,  # type: ignore[attr-defined]
        "sections": sections,
        "timeline": [],
        "action_items": [],
        "incidents": [],
    }


def raw_full_text(terms: list[str], *, every: bool, limit: int) -> Callable[[], object]:
    """One raw SQL query for the ``limit`` best documents having every term (``every``) or any
    of them: FTS5 bm25 on SQLite, ts_rank over the GIN-indexed vector on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "sqlite":
        sql = (
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            f"ORDER BY bm25(search_fts, 10.0, 4.0, 1.0, 2.0) LIMIT {int(limit)}"
        )
        params: list[object] = [(" " if every else " OR ").join(f'"{t}"' for t in terms)]
    else:
        from hansei.search.backends import PostgresBackend

        vector = PostgresBackend.VECTOR
        sql = (
            f"SELECT postmortem_id FROM search_searchdocument "
            f"WHERE {vector} @@ to_tsquery('simple', %s) "
            f"ORDER BY ts_rank({vector}, to_tsquery('simple', %s)) DESC LIMIT {int(limit)}"
        )
        text = (" & " if every else " | ").join(f"'{t}'" for t in terms)
        params = [text, text]

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _reference(query: str) -> Callable[[], object]:
    """The documents with every word of ``query`` (as terms), best 20."""
    from hansei.search.analysis import index_terms

    return raw_full_text(index_terms(query).split(), every=True, limit=20)


def _hansei(query: str) -> Callable[[], object]:
    from hansei.accounts.models import User
    from hansei.search.queries import search_postmortems

    reader = User.objects.get(username="reader")
    return lambda: search_postmortems(user=reader, query=query, limit=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    _setup(args.docs)
    from django.db import connection

    print(f"{connection.vendor}: {args.docs} published postmortems, median of {args.rounds}")
    print(f"{'query':<22}{'reference ms':>14}{'hansei ms':>12}{'ratio':>8}")
    ratios = []
    for query in QUERIES:
        reference = median_ms(_reference(query), args.rounds)
        hansei = median_ms(_hansei(query), args.rounds)
        ratios.append(hansei / reference)
        print(f"{query:<22}{reference:>14.2f}{hansei:>12.2f}{hansei / reference:>8.1f}")
    print(f"search: Hansei / raw full-text query = {statistics.geometric_mean(ratios):.1f}x")


if __name__ == "__main__":
    main()
