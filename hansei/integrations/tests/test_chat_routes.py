"""Which routes hear of what, exactly once, and what happens when a receiver is down or gone.

Real components: the services publish and submit, the listeners queue jobs, the job queue runs
them, and a local HTTP server (``receiver``) records what each route was sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST
from hansei.core.events import Event
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.integrations.chat import listeners
from hansei.integrations.models import ChatRoute
from hansei.integrations.tests.receiver import Receiver
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.postmortems.events import POSTMORTEM_PUBLISHED
from hansei.reviews.services import approve_review, submit_for_review

CHAT_JOB = "integrations.chat"


def route(receiver: Receiver, name: str, **values: Any) -> ChatRoute:
    values.setdefault("kind", "mattermost")
    return ChatRoute.objects.create(name=name, target=receiver.url(f"/{name}"), **values)


def heard(receiver: Receiver) -> dict[str, int]:
    """How many messages each route's path received."""
    counts: dict[str, int] = {}
    for request in receiver.received:
        counts[request.path.strip("/")] = counts.get(request.path.strip("/"), 0) + 1
    return counts


def test_a_publication_reaches_each_matching_route_exactly_once(
    receiver, approved_postmortem, alice, payments, search_team
):
    route(receiver, "everyone")
    route(receiver, "payments", team=payments)
    route(receiver, "search", team=search_team)
    route(receiver, "sev1-only", max_severity=1)
    route(receiver, "sev2-and-worse", max_severity=2)
    route(receiver, "submissions-only", team=payments, events=["submitted"])
    route(receiver, "amendments-only", events=["amended"])
    route(receiver, "turned-off", is_active=False)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()
    run_pending()

    assert heard(receiver) == {"everyone": 1, "payments": 1, "sev2-and-worse": 1}
    assert Job.objects.filter(kind=CHAT_JOB).count() == 3


def test_a_restricted_postmortem_is_never_announced(
    receiver, restricted_approved_postmortem, alice, payments
):
    route(receiver, "everyone")
    route(receiver, "payments", team=payments, events=["published", "amended", "submitted"])

    publish_postmortem(actor=alice, postmortem=restricted_approved_postmortem)
    run_pending()

    assert receiver.received == []
    assert not Job.objects.filter(kind=CHAT_JOB).exists()


def test_a_postmortem_restricted_before_the_worker_ran_is_not_sent(
    receiver, approved_postmortem, alice
):
    everyone = route(receiver, "everyone")
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    Postmortem.objects.filter(pk=approved_postmortem.pk).update(restricted=True)

    run_pending()

    assert receiver.received == []
    job = Job.objects.get(kind=CHAT_JOB)
    assert job.finished_at is not None and not job.failed
    everyone.refresh_from_db()
    assert everyone.last_delivered_at is None


def test_an_amendment_is_announced_with_its_change_note(
    receiver, published_postmortem, alice, rita
):
    route(receiver, "everyone")
    start_amendment(actor=alice, postmortem=published_postmortem)
    [review] = submit_for_review(actor=alice, postmortem=published_postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(
        actor=alice, postmortem=published_postmortem, change_note="Added the root cause."
    )
    run_pending()

    [request] = receiver.to("/everyone")
    body = request.json
    assert body["text"] == "Payments amended a postmortem (revision 2)"
    fields = body["attachments"][0]["fields"]
    assert {"title": "What changed", "value": "Added the root cause.", "short": True} in fields


def test_a_submission_reaches_only_its_team_routes_that_want_it(
    receiver, make_postmortem, alice, rita, payments, search_team
):
    every = ["published", "amended", "submitted"]
    route(receiver, "everyone")
    route(receiver, "payments-reviews", team=payments, events=every)
    route(receiver, "payments-publications", team=payments)
    route(receiver, "search-reviews", team=search_team, events=every)
    route(receiver, "org-reviews", events=every)  # the admin refuses it; never sent all the same
    postmortem = make_postmortem()

    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    run_pending()

    assert heard(receiver) == {"payments-reviews": 1}
    [request] = receiver.received
    body = request.json
    assert body["text"] == "Payments submitted a postmortem for review"
    assert {"title": "Submitted by", "value": alice.name, "short": True} in body["attachments"][0][
        "fields"
    ]


def test_an_outage_delays_announcements_and_never_doubles_them(
    receiver, approved_postmortem, alice
):
    """Receiver down: the jobs wait with backoff and the routes say why. The publish listener
    runs a second time (a redelivered event): nothing more is queued. Receiver up: each route
    gets its message exactly once."""
    chat = route(receiver, "chat")
    hook = route(receiver, "hook", kind="webhook")
    receiver.stop()

    revision = publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()
    jobs = Job.objects.filter(kind=CHAT_JOB)
    assert jobs.count() == 2
    for job in jobs:
        assert (job.attempts, job.failed, job.finished_at) == (1, False, None)
        assert job.run_after > timezone.now() + timedelta(seconds=5)
        assert "could not connect" in job.last_error
    for each in (chat, hook):
        each.refresh_from_db()
        assert each.is_failing and each.last_error.startswith("could not connect")
    run_pending()  # not due yet: backing off
    assert {job.attempts for job in jobs} == {1}

    again = Event(POSTMORTEM_PUBLISHED, actor_id=alice.pk, object_id=revision.pk)
    listeners.announce_publication(again)
    assert jobs.count() == 2

    receiver.start()
    jobs.update(run_after=timezone.now())  # the backoff has passed
    run_pending()
    assert heard(receiver) == {"chat": 1, "hook": 1}
    for each in (chat, hook):
        each.refresh_from_db()
        assert each.last_delivered_at is not None and not each.is_failing
    assert all(job.finished_at and job.attempts == 2 for job in jobs)
    listeners.announce_publication(again)
    jobs.update(run_after=timezone.now())
    run_pending()
    assert jobs.count() == 2
    assert heard(receiver) == {"chat": 1, "hook": 1}


def test_a_missing_webhook_stops_at_once_and_says_why(receiver, approved_postmortem, alice):
    gone = route(receiver, "gone")
    receiver.answer(404, b"Unable to find specified webhook")

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()

    job = Job.objects.get(kind=CHAT_JOB)
    assert (job.failed, job.attempts) == (True, 1)
    assert job.last_error == (
        "PermanentJobError: HTTP 404 Not Found: Unable to find specified webhook"
    )
    gone.refresh_from_db()
    assert gone.last_error == "HTTP 404 Not Found: Unable to find specified webhook"
    assert gone.is_failing
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_pending()
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed(receiver, approved_postmortem, alice):
    moved = route(receiver, "moved")
    receiver.answer(301, headers={"Location": "http://127.0.0.1:9/elsewhere"})

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()

    moved.refresh_from_db()
    assert moved.last_error.startswith("HTTP 301")
    assert "redirects are not followed" in moved.last_error
    assert Job.objects.get(kind=CHAT_JOB).failed
