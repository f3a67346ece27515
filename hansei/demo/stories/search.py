"""Search: a postmortem in its second review round, and an incident that needs none."""

from __future__ import annotations

from hansei.demo.model import Action, Event, ReviewStep, Story, Writeup

STALE_AUTOCOMPLETE = Story(
    team="search",
    title="Autocomplete served week-old suggestions",
    severity=3,
    days_ago=15,
    starts_at_utc=(3, 0),
    summary="The suggestions index stopped refreshing for 7 days; autocomplete kept serving "
    "old suggestions, including products no longer sold. A customer reported it.",
    commander="daniel",
    responders=("yuki",),
    services=("autocomplete", "indexer"),
    detected=60 * 24 * 7,
    acknowledged=60 * 24 * 7 + 25,
    mitigated=60 * 24 * 7 + 90,
    resolved=60 * 24 * 7 + 150,
    facts={"detection_method": "customer", "monitoring_failure": True},
    writeup=Writeup(
        author="daniel",
        sections={
            "summary": """
The nightly job that rebuilds the autocomplete index failed silently for seven nights after a
library upgrade changed the exit code of its failure path to 0. Autocomplete kept serving the
last good index, so suggestions included 1,300 discontinued products. A customer reported it
through support; a manual rebuild fixed it in 90 minutes.
""",
            "impact": """
- 7 days of stale suggestions; 4.2% of suggestion clicks led to "product unavailable" pages.
- Conversion from autocomplete fell from 11.8% to 10.9% over the week.
""",
            "root_causes": """
1. The rebuild job's success was judged by its exit code only; a dependency upgrade made a
   failure path exit 0.
2. Nothing checked the index's age: "fresh" was assumed, never measured.
""",
            "trigger": "Upgrading the JSON streaming library in the indexer (search!811).",
            "resolution": "Pinned the old library, rebuilt the index by hand, verified freshness.",
            "detection": """
A customer wrote to support about a discontinued product in suggestions; support escalated to
Search after confirming it on two accounts.
""",
            "went_well": "Support's escalation template had everything we needed.",
            "went_wrong": "Seven days without anyone noticing: we measured job exit, not outcome.",
        },
        timeline=(
            Event(0, "First nightly rebuild fails, exits 0", "event", True),
            Event(60 * 24 * 7, "Support escalates a customer report", "detection", True),
            Event(60 * 24 * 7 + 40, "Index age found to be 7 days", "event", True),
            Event(60 * 24 * 7 + 90, "Manual rebuild complete", "action", True),
        ),
        factors=(
            ("Monitoring gap", "The rebuild was judged by its exit code; the index's age never."),
            ("Change / deploy", "A library upgrade changed the exit code of the failure path."),
        ),
        actions=(
            Action(
                "Alert when the suggestions index is older than 36 hours",
                "daniel",
                "detect",
                "P1",
                7,
                "done",
                "https://tracker.example.com/SRCH-540",
            ),
            Action(
                "Rebuild job verifies document count and age before swapping",
                "daniel",
                "prevent",
                "P1",
                14,
                "in_progress",
                "https://tracker.example.com/SRCH-541",
            ),
            Action(
                "Audit other batch jobs that trust only their exit code",
                "yuki",
                "investigate",
                "P2",
                45,
            ),
        ),
        rounds=(
            # Submitted with the wrong incident times in the summary; taken back to fix them.
            (ReviewStep("grace", "withdrawn"),),
            (
                ReviewStep(
                    "grace",
                    "changes",
                    "Good analysis. Two gaps: the impact has no number of affected users, "
                    "and there is no action for the other jobs that may have the same "
                    "exit-code problem.",
                ),
            ),
            (ReviewStep("grace", "pending"), ReviewStep("tomas", "pending")),
        ),
    ),
)

SLOW_REINDEX = Story(
    team="search",
    title="Nightly reindex finished 30 minutes late",
    severity=4,
    days_ago=6,
    starts_at_utc=(1, 0),
    summary="The nightly full reindex ran 30 minutes past its window because of a slow "
    "storage volume; search results were never stale by more than the usual day.",
    commander="daniel",
    services=("indexer",),
    detected=2,
    acknowledged=10,
    mitigated=25,
    resolved=32,
)

SEARCH = (STALE_AUTOCOMPLETE, SLOW_REINDEX)
