"""Platform & SRE: a published and amended SEV2, one being amended, one asked for by hand."""

from __future__ import annotations

from hansei.demo.model import Action, Amendment, Event, Meeting, ReviewStep, Story, Writeup

DNS_ROLLOUT = Story(
    team="platform",
    title="Internal DNS lookups failed after a CoreDNS configuration rollout",
    severity=2,
    days_ago=66,
    starts_at_utc=(10, 12),
    summary="A CoreDNS configuration with a typo in the forward zone reached every cluster at "
    "once; 22% of internal lookups failed for 31 minutes and service-to-service calls errored.",
    commander="emma",
    responders=("lucas", "omar", "daniel"),
    services=("internal-dns", "kubernetes", "ci-cd"),
    detected=3,
    acknowledged=5,
    mitigated=31,
    resolved=52,
    facts={"downtime_minutes": 31, "intervention": "rollback"},
    writeup=Writeup(
        author="lucas",
        owner="lucas",
        sections={
            "summary": """
A CoreDNS ConfigMap change meant to add a forward zone for a new partner network had a
malformed upstream address. The deploy pipeline applied it to all four production clusters at
once; CoreDNS pods reloaded it and failed every lookup for names under `svc.internal`. 22% of
internal lookups failed for 31 minutes, until the change was reverted.
""",
            "impact": """
- 22% of internal DNS lookups failed (SERVFAIL) for 31 minutes, in all regions.
- Checkout, Search and the webhook senders saw 4–9% errors on calls between services.
- No data was lost; 1,100 background jobs retried and completed after the rollback.
""",
            "root_causes": """
1. DNS configuration changes went to every cluster in one step: the pipeline has canary stages
   for workloads but treated ConfigMaps in `kube-system` as "config", not as a deploy.
2. CoreDNS validates configuration syntax on reload but not that upstreams are reachable; the
   change passed CI.
3. No synthetic lookup check ran after the rollout, so the pipeline reported success.
""",
            "trigger": "Merging the forward-zone change for the partner network (infra!3120).",
            "resolution": """
The on-call engineer reverted the merge request; the pipeline re-applied the previous ConfigMap
and CoreDNS reloaded within a minute. Remaining errors were cached negative answers, which
expired by minute 52.
""",
            "detection": """
The service-mesh error-rate alert fired 3 minutes after the rollout. DNS was suspected within 8
minutes thanks to the "recent changes" panel on the on-call dashboard.
""",
            "went_well": "The recent-changes panel pointed straight at the DNS merge request.",
            "went_wrong": "One change reached all clusters at once; no post-deploy lookup check.",
            "got_lucky": "Negative-cache TTL was 30 s, not the 5-minute default.",
        },
        timeline=(
            Event(
                -1, "infra!3120 merged; pipeline applies the ConfigMap to 4 clusters", "event", True
            ),
            Event(3, "Mesh 5xx alert pages Platform on-call", "detection"),
            Event(8, "Recent-changes panel shows the CoreDNS change", "event", True),
            Event(14, "Lucas reverts infra!3120", "action", True),
            Event(
                20,
                "Revert pipeline stuck behind the failing DNS (it resolves its runners "
                "through it); Emma applies the ConfigMap by hand",
                "action",
                True,
            ),
            Event(31, "Lookups healthy in all clusters", "milestone"),
        ),
        factors=(
            ("Change / deploy", "The ConfigMap change reached all four clusters at once."),
            ("Configuration", "The forward zone's upstream address had a typo no check caught."),
        ),
        actions=(
            Action(
                "Roll DNS configuration out cluster by cluster with a canary",
                "lucas",
                "prevent",
                "P1",
                21,
                "done",
                "https://tracker.example.com/INFRA-902",
            ),
            Action(
                "Synthetic DNS lookups after every CoreDNS change; fail the pipeline on errors",
                "lucas",
                "detect",
                "P1",
                21,
                "done",
                "https://tracker.example.com/INFRA-903",
            ),
            Action(
                "Pipeline runners resolve through a DNS that does not depend on CoreDNS",
                "emma",
                "mitigate",
                "P0",
                7,
                "done",
                "https://tracker.example.com/INFRA-905",
            ),
            Action(
                "Document the manual ConfigMap restore in the DNS runbook",
                "lucas",
                "process",
                "P3",
                30,
                "in_progress",
            ),
        ),
        rounds=(
            (
                ReviewStep(
                    "grace",
                    "approve",
                    "Good separation of trigger and causes. The canary item is the right one.",
                ),
            ),
        ),
        meeting=Meeting(
            attendees="Emma Lindqvist, Lucas Moreau, Grace Kim, Daniel Okafor",
            notes="Agreed that anything in kube-system is a deploy, with canaries. Daniel asked "
            "for DNS errors to show up on the Search dashboard too.",
        ),
        publish=True,
        amendment=Amendment(
            section="impact",
            body="""
- 22% of internal DNS lookups failed (SERVFAIL) for 31 minutes, in all regions; in the two
  eu-west clusters errors lasted 4 minutes longer (see below).
- Checkout, Search and the webhook senders saw 4–9% errors on calls between services.
- No data was lost; 1,100 background jobs retried and completed after the rollback.

**Corrected after publication:** the synthetic lookups added by INFRA-903 showed that the two
eu-west clusters ran with a 5-minute negative-cache TTL, not 30 s, so cached failures there
outlived the rollback by about 4 minutes. The TTL is now 30 s everywhere.
""",
            change_note="Impact: errors lasted 4 minutes longer in eu-west (negative-cache TTL), "
            "found with the synthetic lookups from INFRA-903.",
            reviewer="grace",
            after_days=10,
        ),
    ),
)

AUTOSCALER_STALL = Story(
    team="platform",
    title="API latency spike: the cluster autoscaler could not add nodes",
    severity=2,
    days_ago=34,
    starts_at_utc=(7, 5),
    summary="The cloud account reached its vCPU quota; the autoscaler could not add nodes "
    "during the Monday traffic ramp and API p99 latency reached 4 s for 38 minutes.",
    commander="emma",
    responders=("lucas",),
    services=("kubernetes",),
    detected=9,
    acknowledged=11,
    mitigated=38,
    resolved=75,
    facts={"downtime_minutes": 38, "intervention": "traffic_shift"},
    writeup=Writeup(
        author="lucas",
        sections={
            "summary": """
During the Monday morning ramp the autoscaler asked for 24 new nodes and got none: the account's
regional vCPU quota was exhausted. Pods stayed pending, API p99 latency reached 4 s and 3% of
requests timed out for 38 minutes until traffic was shifted to the second region.
""",
            "impact": "3% of API requests timed out for 38 minutes; p99 latency up to 4 s.",
            "root_causes": """
Quota headroom was nobody's job: the quota was raised by hand two years ago and never reviewed,
while the cluster grew 60%.
""",
            "trigger": "Normal Monday traffic ramp (+45% in an hour).",
            "resolution": "Traffic shifted to eu-west-2; a quota increase landed 30 minutes later.",
            "detection": "Latency alert after 9 minutes; autoscaler errors were only in logs.",
        },
        timeline=(
            Event(2, "Autoscaler: 'Quota exceeded' on 24 scale-up attempts", "event", True),
            Event(9, "API latency alert", "detection"),
            Event(30, "Traffic shift to eu-west-2 begins", "action", True),
        ),
        factors=(
            ("Capacity", "The regional vCPU quota had no headroom for a normal Monday ramp."),
            ("Monitoring gap", "Quota use was not measured; autoscaler errors were only in logs."),
        ),
        actions=(
            Action("Alert at 80% of every cloud quota", "lucas", "detect", "P1", 14, "done"),
            Action(
                "Quarterly quota review in the capacity planning ritual",
                "emma",
                "process",
                "P2",
                60,
            ),
        ),
        rounds=((ReviewStep("tomas", "approve", "Crisp. Approved."),),),
        publish=True,
        amendment=Amendment(
            section="impact",
            body="""
3% of API requests timed out for 38 minutes; p99 latency up to 4 s.

_Being updated: the Search team is adding the indexing backlog this caused._
""",
            change_note="",
            reviewer="tomas",
            after_days=20,
            finished=False,
        ),
    ),
)

SLOW_DASHBOARDS = Story(
    team="platform",
    title="Grafana dashboards timed out during the morning incident review",
    severity=4,
    days_ago=4,
    starts_at_utc=(8, 40),
    summary="The main Grafana dashboards took over 60 seconds to load for 35 minutes; no "
    "user-facing impact, but on-call engineers were blind while it lasted.",
    commander="lucas",
    services=("observability",),
    detected=5,
    acknowledged=8,
    mitigated=30,
    resolved=35,
    requested=(
        "emma",
        "Every team relies on these dashboards during incidents: we want to know "
        "why they were slow and whether it could happen during a SEV1.",
    ),
    writeup=Writeup(
        author="lucas",
        sections={
            "summary": """
A new high-cardinality label on request metrics (per-merchant ID) multiplied the number of time
series by 40; dashboard queries over 7 days timed out until the label was dropped.
""",
        },
        started_after_days=1,
    ),
)

PLATFORM = (DNS_ROLLOUT, AUTOSCALER_STALL, SLOW_DASHBOARDS)
