"""E-mail through the durable outbox: one job per person (or list) and channel, written when
sent, over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST, message_text, person
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.incidents.services import update_policy
from hansei.postmortems.document.models import Revision
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.reviews.services import approve_review, request_changes, submit_for_review

pytestmark = pytest.mark.django_db

LIST = ["engineering@example.com", "sre-leads@example.com"]


@pytest.fixture
def announce_list(ada: Any) -> list[str]:
    update_policy(actor=ada, changes={"announcement_recipients": "\n".join(LIST)})
    return LIST


def _emails() -> Any:
    return Job.objects.filter(kind="notifications.email")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _by_address(smtp_server: Any) -> dict[str, Any]:
    found = {}
    for envelope, message in zip(smtp_server.envelopes, smtp_server.messages, strict=True):
        [address] = envelope.rcpt_tos
        found[address] = message
    return found


def test_publishing_queues_one_email_per_list_and_teammate_and_sends_nothing_yet(
    approved_postmortem, alice, bob, announce_list, smtp_server
):
    Job.objects.all().delete()

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    queued = {job.payload.get("address") or job.payload["recipient"]: job for job in _emails()}
    # Each list once, and Bob (her teammate) in person; Alice published it herself.
    assert set(queued) == {*announce_list, bob.pk}
    assert all(job.key and job.max_attempts >= 20 for job in queued.values())
    assert smtp_server.messages == []


def test_the_worker_writes_and_delivers_each_email_over_smtp(
    approved_postmortem, alice, bob, announce_list, smtp_server, settings
):
    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    assert run_pending() == 3

    mails = _by_address(smtp_server)
    assert set(mails) == {*announce_list, bob.email}
    to_list = mails["engineering@example.com"]
    assert to_list["Subject"] == "[Postmortem] Checkout API returned 500s"
    body = message_text(to_list)
    assert f"{settings.BASE_URL}/postmortems/{approved_postmortem.pk}/" in body
    assert "Payments published the postmortem" in body
    assert "Payments failed for 50 minutes" in body
    assert "SEV2: Checkout API returned 500s" in body
    assert "Sent to engineering@example.com, an announcement list" in body
    assert to_list["List-Unsubscribe"] is None  # a list is managed in the policy
    html = [p for p in to_list.walk() if p.get_content_type() == "text/html"]
    assert html and "<a href=" in html[0].get_payload(decode=True).decode()
    # The teammate's copy says why and stops with one click (RFC 8058).
    personal = mails[bob.email]
    assert "You are a member of the Payments team." in message_text(personal)
    unsubscribe = " ".join(str(personal["List-Unsubscribe"]).split())
    assert unsubscribe.startswith(f"<{settings.BASE_URL}/notifications/unsubscribe/")
    assert personal["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert personal["Message-ID"] != to_list["Message-ID"]
    assert all(job.finished_at and not job.last_error for job in _emails())


def test_subjects_and_text_bodies_are_plain_text_and_html_is_escaped(
    approved_postmortem, alice, announce_list, smtp_server
):
    """A title with & and < arrives as written in the subject and the text part, and
    escaped (never as markup) in the HTML part."""
    Job.objects.all().delete()
    title = 'R&D billing <API> "retries"'
    type(approved_postmortem).objects.filter(pk=approved_postmortem.pk).update(title=title)
    approved_postmortem.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()

    message = _by_address(smtp_server)["engineering@example.com"]
    assert message["Subject"] == f"[Postmortem] {title}"
    assert title in message_text(message)
    [html] = [p for p in message.walk() if p.get_content_type() == "text/html"]
    markup = html.get_payload(decode=True).decode()
    assert "R&amp;D billing &lt;API&gt;" in markup
    assert "<API>" not in markup


def test_a_restricted_postmortem_is_announced_to_its_team_only(
    restricted_approved_postmortem, alice, bob, charlie, announce_list, smtp_server
):
    from hansei.notifications.services import follow

    postmortem = restricted_approved_postmortem
    Job.objects.all().delete()
    gone = person("gone", "member", postmortem.team, is_active=False)
    follow(actor=charlie, target=postmortem.team)  # another team's member follows Payments

    publish_postmortem(actor=alice, postmortem=postmortem)
    run_pending()

    assert sorted(_by_address(smtp_server)) == [bob.email]
    assert gone.email not in _by_address(smtp_server)


def test_an_email_is_not_sent_to_someone_who_may_no_longer_read_it(
    restricted_approved_postmortem, alice, charlie, smtp_server
):
    """Written when sent: someone who left the team of a restricted postmortem after the
    e-mail was queued is not sent it."""
    postmortem = restricted_approved_postmortem
    membership = charlie.memberships.create(team=postmortem.team)
    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=postmortem)
    assert _emails().filter(payload__recipient=charlie.pk).exists()
    membership.delete()

    run_pending()

    assert charlie.email not in _by_address(smtp_server)
    assert _emails().filter(payload__recipient=charlie.pk, finished_at__isnull=False).exists()


def test_a_rolled_back_publication_queues_nothing(approved_postmortem, alice, announce_list):
    Job.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        publish_postmortem(actor=alice, postmortem=approved_postmortem)
        raise RuntimeError("something after it failed")

    assert not Job.objects.exists()
    assert not Revision.objects.exists()
    assert run_pending() == 0


def test_an_smtp_outage_delays_messages_and_each_arrives_exactly_once(
    approved_postmortem, alice, bob, announce_list, smtp_server, settings
):
    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    before = timezone.now()

    assert run_pending() == 3

    for job in _emails():
        assert (job.attempts, job.finished_at, job.failed, job.claimed_at) == (1, None, False, None)
        assert "Connection" in job.last_error or "refused" in job.last_error.lower()
        assert job.run_after >= before + timedelta(seconds=10)
    assert smtp_server.messages == []
    assert run_pending() == 0  # not due yet: backing off

    # Two more failed rounds, then the server is back.
    for _round in range(2):
        _emails().update(run_after=timezone.now())
        assert run_pending() == 3
    settings.EMAIL_PORT = working_port
    _emails().update(run_after=timezone.now())
    assert run_pending() == 3
    assert run_pending() == 0

    assert sorted(_by_address(smtp_server)) == sorted([*announce_list, bob.email])
    assert len(smtp_server.messages) == 3
    assert all(job.attempts == 4 and job.finished_at and not job.failed for job in _emails())


def test_handling_the_same_event_twice_sends_nothing_twice(
    approved_postmortem, alice, bob, announce_list, smtp_server
):
    from hansei.notifications.services import announce_publication

    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    revision = Revision.objects.get()

    announce_publication(revision=revision)  # the listener runs again (a retry, a replay)
    run_pending()

    assert _emails().count() == 3
    assert len(smtp_server.messages) == 3
    assert bob.notifications.count() == 1


def test_an_amendment_is_announced_with_its_change_note(
    published_postmortem, alice, rita, announce_list, smtp_server
):
    Job.objects.all().delete()
    start_amendment(actor=alice, postmortem=published_postmortem)
    [review] = submit_for_review(actor=alice, postmortem=published_postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(
        actor=alice, postmortem=published_postmortem, change_note="Added the root cause."
    )

    run_pending()

    announcement = _by_address(smtp_server)["engineering@example.com"]
    assert announcement["Subject"] == (
        "[Postmortem amended] Checkout API returned 500s (revision 2)"
    )
    assert "What changed: Added the root cause." in message_text(announcement)


def test_reviewers_and_owners_hear_about_reviews(make_postmortem, alice, rita, smtp_server):
    postmortem = make_postmortem()
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="More numbers please.")

    assert run_pending() == 2

    mails = _by_address(smtp_server)
    assert set(mails) == {"rita@example.com", "alice@example.com"}
    assert mails["rita@example.com"]["Subject"] == "Review requested: Checkout API returned 500s"
    assert "You were asked to review it." in message_text(mails["rita@example.com"])
    assert "More numbers please." in message_text(mails["alice@example.com"])
    assert "You own this postmortem." in message_text(mails["alice@example.com"])


def test_with_no_lists_and_nobody_else_in_the_team_nothing_is_queued(
    approved_postmortem, alice, settings
):
    settings.HANSEI_ANNOUNCE_TO = []
    Job.objects.all().delete()

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    assert not _emails().exists()


def test_a_malformed_job_fails_for_good_with_the_reason(db):
    from hansei.core.jobs import enqueue

    job = enqueue("notifications.email", {"template": "published"})
    assert job is not None

    run_pending()

    job.refresh_from_db()
    assert job.failed and "not a notification e-mail" in job.last_error
