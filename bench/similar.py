"""Similar incidents: Hansei's panel query against the raw full-text query it stands on.

    .venv/bin/python bench/similar.py [--docs 10000] [--rounds 20]
    HANSEI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hansei_bench \
        .venv/bin/python bench/similar.py --docs 10000

It builds the same throwaway archive as bench/search.py (``--docs`` published postmortems
written straight to the tables and indexed; SQLite in a temporary directory, or the
PostgreSQL database named by HANSEI_DATABASE_URL, which it empties), then, for five of them,
times:

* the reference: one raw SQL full-text query for the 60 best documents matching any of the
  postmortem's 25 most telling words (what the candidates come from);
* Hansei: ``similar_postmortems`` as the panel calls it, for a member of one team: the source's
  profile, its telling words and their rarity, the candidates (text and shared fields), the
  visibility rules, the TF-IDF cosine of each candidate, the why, the unfinished items.

It prints milliseconds per query for both and the ratio Hansei / reference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from search import _setup, raw_full_text  # bench/search.py (run as python bench/similar.py)
from timing import median_ms  # bench/timing.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = 5


def _hansei(postmortem_id: int) -> Callable[[], object]:
    from hansei.accounts.models import User
    from hansei.postmortems.document.models import Postmortem
    from hansei.search.similar import profile_of_postmortem, similar_postmortems

    reader = User.objects.get(username="reader")
    postmortem = Postmortem.objects.get(pk=postmortem_id)

    def run() -> object:
        profile = profile_of_postmortem(postmortem)
        return similar_postmortems(user=reader, profile=profile, earlier_only=False)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    _setup(args.docs)
    from django.db import connection

    from hansei.postmortems.document.models import Postmortem
    from hansei.search.similar import profile_of_postmortem

    ids = list(Postmortem.objects.order_by("pk").values_list("pk", flat=True))
    samples = ids[:: max(1, len(ids) // SAMPLES)][:SAMPLES]
    print(f"{connection.vendor}: {args.docs} published postmortems, median of {args.rounds}")
    print(f"{'postmortem':<12}{'reference ms':>14}{'hansei ms':>12}{'ratio':>8}")
    ratios = []
    for pk in samples:
        terms = profile_of_postmortem(Postmortem.objects.get(pk=pk)).telling_terms()
        reference = median_ms(raw_full_text(terms, every=False, limit=60), args.rounds)
        hansei = median_ms(_hansei(pk), args.rounds)
        ratios.append(hansei / reference)
        print(f"{pk:<12}{reference:>14.2f}{hansei:>12.2f}{hansei / reference:>8.1f}")
    print(f"similar: Hansei / raw full-text query = {statistics.geometric_mean(ratios):.1f}x")


if __name__ == "__main__":
    main()
