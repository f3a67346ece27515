"""Payments: a published SEV1, an approved SEV3, a draft sent back by review, and a fresh one."""

from __future__ import annotations

from hansei.demo.model import (
    Action,
    CustomerVersion,
    Dismissal,
    Event,
    Meeting,
    ReviewStep,
    Story,
    Writeup,
)

POOL_EXHAUSTION = Story(
    team="payments",
    title="Card payments failed: database connection pool exhausted by a retry storm",
    severity=1,
    days_ago=82,
    starts_at_utc=(18, 4),
    summary="For 47 minutes about 38% of card payments failed with HTTP 503 after a slow "
    "fraud-scoring dependency made Checkout API retries pile up and exhaust the database "
    "connection pool.",
    commander="omar",
    responders=("priya", "lucas", "emma"),
    services=("checkout-api", "payment-gateway"),
    detected=4,
    acknowledged=7,
    mitigated=47,
    resolved=95,
    facts={"downtime_minutes": 47, "billing_impact": True, "intervention": "rollback"},
    writeup=Writeup(
        author="priya",
        owner="omar",
        sections={
            "summary": """
During the evening peak, 38% of card payments failed for 47 minutes. The fraud-scoring
service slowed down (p99 from 180 ms to 9 s); Checkout API retried each call three times with no
backoff while holding a database connection, and the connection pool (50 per pod) ran dry. Rolling
back the previous day's retry change and shedding fraud-scoring calls ended the impact.
""",
            "impact": """
- 18,420 payment attempts failed (38% of attempts between 18:04 and 18:51 UTC).
- An estimated €212,000 of orders were not completed; about 61% were retried successfully by
  shoppers within the hour.
- 312 support tickets; 4 merchants escalated through account managers.
- The Checkout API monthly error budget (99.95%) was consumed entirely.
""",
            "root_causes": """
1. Checkout API held a database connection open across the fraud-scoring HTTP call, so latency
   in any dependency turned directly into connection-pool pressure.
2. Retries had no backoff, no jitter and no retry budget: a slow dependency tripled its own load.
3. The connection pool size was tuned for the normal latency profile, and nothing alerted on
   pool saturation.
4. The change that added retries (deployed the day before) was reviewed for correctness but the
   review checklist has no question about behaviour under dependency latency.
""",
            "trigger": """
A fraud-model rollout at 17:58 UTC doubled the fraud-scoring service's CPU use; its latency rose
until autoscaling caught up 40 minutes later.
""",
            "resolution": """
At 18:37 the incident commander decided to roll back Checkout API to the previous release
(without retries). Error rates began falling at 18:44 and were back to normal at 18:51. The fraud
team scaled their service out at 19:10, and the fraud-model rollout was paused until capacity
tests ran.
""",
            "detection": """
The Checkout API 5xx-rate alert fired 4 minutes after the first errors. The on-call engineer
acknowledged within 3 minutes. The cause was harder to see: there is no dashboard for pool
usage, so it took 20 minutes to connect the 503s to the pool.
""",
            "went_well": """
- The 5xx alert fired fast and paged the right rotation.
- The rollback pipeline took 9 minutes end to end and needed no manual step.
- Support had a status page update out within 15 minutes.
""",
            "went_wrong": """
- No pool-saturation metric or alert: diagnosis took 20 minutes of log reading.
- The retry change went out without a load test against a slow dependency.
- The fraud-model rollout and the checkout deploy were not visible to each other's teams.
""",
            "got_lucky": """
- It happened on an ordinary evening, not during the end-of-month sales peak.
- The payment gateway's idempotency keys prevented any double charge when shoppers retried.
""",
            "supporting_information": """
- Grafana: *Checkout API / Overview*, 17:45–19:15 UTC
- Chat: #inc-checkout-503 transcript
- The retry change: payments/checkout-api!1842
""",
            "glossary": """
- **Connection pool**: the fixed set of open database connections a process shares.
- **Retry budget**: a cap on the share of requests that may be retries at any moment.
""",
        },
        timeline=(
            Event(-6, "Fraud-scoring model v42 rollout starts", "event"),
            Event(0, "Checkout API 503 rate rises above 5%", "event", True),
            Event(4, "Alert *CheckoutHighErrorRate* pages the Payments on-call", "detection"),
            Event(7, "Priya acknowledges and opens #inc-checkout-503", "escalation"),
            Event(12, "Status page: degraded card payments", "communication"),
            Event(
                24, "Pool exhaustion found in pod logs ('QueuePool limit reached')", "event", True
            ),
            Event(27, "Omar takes incident command; SEV1 declared", "escalation"),
            Event(33, "Decision: roll back Checkout API to v2024.11.3", "action", True),
            Event(47, "Rollback complete; error rate below 1%", "action", True),
            Event(95, "Fraud-scoring scaled out; incident resolved", "milestone"),
        ),
        factors=(
            ("Capacity", "A 20-connection pool held open during slow fraud-scoring calls."),
            ("Dependency", "Fraud scoring slowed to 4 s; Checkout waited with no timeout."),
            ("Monitoring gap", "Pool saturation was not alerted; customers told us first."),
        ),
        dismissals=(
            Dismissal(
                "blame-person",
                "resolution",
                "the incident commander decided to roll back Checkout API to the previous release"
                "\n(without retries",
                "It names a role and a decision taken during the response, not a fault.",
            ),
        ),
        actions=(
            Action(
                "Release the DB connection before calling external services",
                "priya",
                "prevent",
                "P0",
                7,
                "done",
                "https://tracker.example.com/PAY-1201",
                addresses=("Capacity",),
            ),
            Action(
                "Retries with exponential backoff, jitter and a 10% retry budget",
                "priya",
                "prevent",
                "P1",
                14,
                "done",
                "https://tracker.example.com/PAY-1202",
                addresses=("Dependency",),
            ),
            Action(
                "Alert on connection-pool saturation above 80% for 2 minutes",
                "lucas",
                "detect",
                "P1",
                14,
                "in_progress",
                "https://tracker.example.com/OBS-311",
                addresses=("Monitoring gap",),
            ),
            Action(
                "Add 'behaviour when a dependency is slow' to the code review checklist",
                "omar",
                "process",
                "P2",
                30,
                "open",
                "https://tracker.example.com/ENG-77",
            ),
            Action(
                "Load test Checkout API against a fault-injected slow fraud service",
                "priya",
                "investigate",
                "P2",
                45,
                "open",
            ),
            Action(
                "Double the pool size on all Checkout pods",
                "omar",
                "mitigate",
                "P3",
                30,
                "wont_do",
                wont_do_reason="Releasing connections before outbound calls "
                "(PAY-1201) removes the pressure; a bigger pool would only hide it.",
            ),
        ),
        rounds=(
            (
                ReviewStep(
                    "tomas",
                    "changes",
                    "The root cause stops at 'the pool was too small'. Why did latency in "
                    "fraud scoring reach the pool at all? And please split trigger from "
                    "root causes.",
                ),
            ),
            (
                ReviewStep(
                    "tomas",
                    "approve",
                    "Much deeper now. Clear, numbers everywhere, no blame. Approved.",
                ),
            ),
        ),
        meeting=Meeting(
            attendees="Omar Haddad, Priya Raman, Lucas Moreau, Tomás Silva, Emma Lindqvist",
            notes="""
Walked through the timeline. Agreed the main lesson is architectural: never hold a database
connection across a network call. The fraud team joins the next review to share their rollout
calendar. Decision: pool-size increase is not worth doing (see the won't-do item).
""",
        ),
        publish=True,
        customer=CustomerVersion(
            template="customer_en",
            title="Card payments failed during the evening peak",
            approver="emma",
            sections={
                "summary": """
During the evening peak, about 38% of card payments failed for 47 minutes. Customers saw
an error at checkout and could pay again once the service recovered. We are sorry for the
disruption this caused to you and your customers.
""",
                "impact": """
From 18:04 to 18:51 UTC, about 38% of card payment attempts failed with an error. Payments
by bank transfer and payments already confirmed were not affected. No card was charged for
a failed payment.
""",
                "cause": """
A service we use to check payments for fraud became slow. Our checkout service kept a
database connection open while it waited for those checks and retried them, so it ran out
of database connections and could not accept new payments.
""",
                "resolution": """
We turned off the retries and restarted the checkout service, which recovered at 18:51
UTC. We then monitored payments for an hour before closing the incident.
""",
                "prevention": """
- Checkout no longer keeps a database connection open while it waits for another service
  (done).
- Calls to the fraud checks now stop waiting after a short time and do not retry in a loop
  (done).
- We are adding load tests of the checkout path before each release (planned for the next
  quarter).
""",
            },
        ),
    ),
)

DUPLICATE_REFUNDS = Story(
    team="payments",
    title="Customers received duplicate refund confirmation emails",
    severity=3,
    days_ago=24,
    starts_at_utc=(2, 14),
    summary="A refund batch job ran twice after a node drain, sending 2,940 customers a second "
    "refund confirmation; no money moved twice.",
    commander="omar",
    responders=("priya",),
    services=("refunds",),
    detected=35,
    acknowledged=42,
    mitigated=50,
    resolved=180,
    facts={"detection_method": "customer", "billing_impact": True},
    writeup=Writeup(
        author="omar",
        sections={
            "summary": """
The nightly refund batch was restarted by a Kubernetes node drain half-way through and, with no
record of what it had already sent, emailed 2,940 customers a second refund confirmation.
Refunds themselves are idempotent at the gateway: no customer was refunded twice.
""",
            "impact": """
- 2,940 duplicate emails; 87 support contacts asking whether they had been refunded twice.
- No financial loss: the gateway rejected all duplicate refund requests (idempotency key).
""",
            "root_causes": """
The batch job records progress only at the end of a run, so a restart replays the whole batch.
Email sending was not keyed by refund ID, so replays are not deduplicated.
""",
            "trigger": "A routine node drain evicted the batch pod at 02:14 UTC.",
            "resolution": "Support sent a clarification email; the job was paused until fixed.",
            "detection": "Customers contacted support; no alert watches email volume per job.",
            "went_well": "Gateway idempotency kept money safe.",
            "went_wrong": "We learned about it from customers, 35 minutes in.",
        },
        actions=(
            Action(
                "Key refund emails by refund ID so a replay sends nothing",
                "priya",
                "prevent",
                "P1",
                10,
                "in_progress",
                "https://tracker.example.com/PAY-1288",
            ),
            Action("Checkpoint batch progress every 100 refunds", "priya", "prevent", "P2", 30),
            Action("PodDisruptionBudget for batch jobs", "lucas", "mitigate", "P2", 21, "done"),
        ),
        rounds=((ReviewStep("grace", "approve", "Short and complete. Ship it."),),),
    ),
)

WEBHOOK_DELAYS = Story(
    team="payments",
    title="Merchant webhooks delayed by up to 47 minutes",
    severity=2,
    days_ago=9,
    starts_at_utc=(15, 20),
    summary="Payment-succeeded webhooks to merchants were delayed by up to 47 minutes while a "
    "single poisoned message blocked one queue partition.",
    commander="priya",
    responders=("omar",),
    services=("merchant-webhooks",),
    detected=18,
    acknowledged=21,
    mitigated=47,
    resolved=70,
    facts={"downtime_minutes": 47, "intervention": "manual_fix"},
    writeup=Writeup(
        author="priya",
        sections={
            "summary": """
A webhook payload larger than the consumer's 1 MiB limit failed on every retry and blocked its
queue partition: 1/8 of merchants got payment notifications up to 47 minutes late.
""",
            "impact": """
- 11,200 webhooks delayed, 1/8 of merchants affected.
- 3 merchants shipped orders late because they wait for the webhook.
""",
            "root_causes": "The consumer retries a failing message forever, in order.",
            "trigger": "A merchant with 2,000 line items in one order.",
            "resolution": "The stuck message was moved to a dead-letter queue by hand; the "
            "partition drained in 26 minutes.",
            "detection": "The queue-lag alert fired after 18 minutes; total lag hid that one "
            "partition had stopped.",
        },
        timeline=(
            Event(0, "Oversized payload enters partition 5", "event", True),
            Event(18, "Queue-lag alert fires", "detection", True),
            Event(44, "Message moved to a dead-letter queue by hand", "action", True),
        ),
        actions=(
            Action(
                "Dead-letter messages after 5 failed attempts",
                "priya",
                "prevent",
                "P1",
                10,
                "in_progress",
            ),
            Action("Alert on partition lag, not only total lag", "omar", "detect", "P2", 20),
        ),
        rounds=(
            (
                ReviewStep(
                    "tomas",
                    "changes",
                    "Impact needs numbers for merchants who poll instead of waiting. And "
                    "'the merchant sent a huge order' reads as if the merchant is at fault: "
                    "say what our system could not handle.",
                ),
            ),
        ),
    ),
)

FX_FEED_STALE = Story(
    team="payments",
    title="FX rates feed stale for 25 minutes",
    severity=3,
    days_ago=2,
    starts_at_utc=(7, 45),
    summary="The FX rates provider stopped sending updates; prices in 14 currencies used "
    "25-minute-old rates until the on-call switched to the backup provider.",
    commander="omar",
    services=("fx-rates",),
    detected=12,
    acknowledged=15,
    mitigated=25,
    resolved=40,
    facts={"intervention": "manual_fix", "downtime_minutes": 0},
)

PAYMENTS = (POOL_EXHAUSTION, DUPLICATE_REFUNDS, WEBHOOK_DELAYS, FX_FEED_STALE)
