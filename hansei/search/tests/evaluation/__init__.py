"""A labelled evaluation set for "similar incidents" and archive search.

``corpus.json``: ``teams``, ``services`` (slug, name, owning team) and ``postmortems``: ninety
postmortems in many styles (status-page notes, blog write-ups, bullets, timelines, five whys,
障害報告書) and two languages, grouped by hand into kinds of failure (``group``; null for the
singletons, which are distractors). A grouped postmortem's expected "similar incidents" are the
other members of its group (``similar_expected()``), whatever their language. Sections use the
keys of the built-in templates (SRE book for ``en``, 障害報告書 for ``ja``); ``factors`` are
``{"category", "description"}`` (Hansei requires a description).

``queries.json``: natural search queries, each with the postmortems judged relevant by reading
the corpus: what a person typing it would want to find, in either language. Broad queries
("checkout failing", "outage caused by a bad deploy") cut across groups.

``load.load_corpus`` publishes the corpus through Hansei's services; ``metrics`` scores a
ranking against the labels.
"""

from __future__ import annotations

from hansei.search.tests.evaluation.load import (
    entries,
    load_corpus,
    read_corpus,
    read_queries,
    similar_expected,
)
from hansei.search.tests.evaluation.metrics import (
    mean,
    mean_precision_at,
    mean_recall_at,
    precision_at,
    recall_at,
)

__all__ = [
    "entries",
    "load_corpus",
    "mean",
    "mean_precision_at",
    "mean_recall_at",
    "precision_at",
    "read_corpus",
    "read_queries",
    "recall_at",
    "similar_expected",
]
