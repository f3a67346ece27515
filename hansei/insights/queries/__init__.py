"""The figures, read-only: each function takes a reader and a ``Scope`` and returns a
dataclass, counted over what the reader may see (``hansei.insights.scope``)."""

from __future__ import annotations

from hansei.insights.queries.action_items import (
    Completion,
    Fixes,
    FixRow,
    ItemsOnTime,
    OnTimeRow,
    completion,
    fixes_held,
    items_on_time,
    overdue_by_team,
)
from hansei.insights.queries.incidents import (
    CountPoint,
    CountRow,
    FactorRow,
    FactorsOverTime,
    IncidentsOverTime,
    Ranking,
    RepeatRow,
    Repeats,
    ResponseTimes,
    factors_over_time,
    incidents_over_time,
    repeat_incidents,
    response_times,
    services_with_most_incidents,
)
from hansei.insights.queries.postmortems import (
    ProcessTimes,
    PublishedOnTime,
    process_times,
    published_on_time,
    review_rounds,
)
from hansei.insights.queries.writing import (
    FindingsAtPublication,
    RuleRow,
    dismissals_by_rule,
    findings_at_publication,
)

__all__ = [
    "Completion",
    "CountPoint",
    "CountRow",
    "FactorRow",
    "FactorsOverTime",
    "FindingsAtPublication",
    "FixRow",
    "Fixes",
    "IncidentsOverTime",
    "ItemsOnTime",
    "OnTimeRow",
    "ProcessTimes",
    "PublishedOnTime",
    "Ranking",
    "RepeatRow",
    "Repeats",
    "ResponseTimes",
    "RuleRow",
    "completion",
    "dismissals_by_rule",
    "factors_over_time",
    "findings_at_publication",
    "fixes_held",
    "incidents_over_time",
    "items_on_time",
    "overdue_by_team",
    "process_times",
    "published_on_time",
    "repeat_incidents",
    "response_times",
    "review_rounds",
    "services_with_most_incidents",
]
