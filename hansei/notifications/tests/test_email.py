from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST, message_text
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


def _publication_jobs() -> Any:
    return Job.objects.filter(payload__subject__startswith="[Postmortem")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_publishing_queues_one_announcement_and_sends_nothing_yet(
    approved_postmortem, alice, announce_list, smtp_server
):
    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    job = _publication_jobs().get()
    assert job.kind == "notifications.send_email"
    assert job.payload["to"] == sorted(announce_list)
    assert smtp_server.messages == []


def test_the_worker_delivers_the_announcement_over_smtp(
    approved_postmortem, alice, announce_list, smtp_server, settings
):
    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    assert run_pending() == 1

    [envelope] = smtp_server.envelopes
    [message] = smtp_server.messages
    assert sorted(envelope.rcpt_tos) == sorted(announce_list)
    assert message["Subject"] == "[Postmortem] Checkout API returned 500s"
    body = message_text(message)
    assert f"{settings.BASE_URL}/postmortems/{approved_postmortem.pk}/" in body
    assert "Payments published the postmortem" in body
    assert "Payments failed for 50 minutes" in body
    assert "SEV2: Checkout API returned 500s" in body
    html = [p for p in message.walk() if p.get_content_type() == "text/html"]
    assert html and "<a href=" in html[0].get_payload(decode=True).decode()
    job = Job.objects.get()
    assert job.finished_at is not None
    assert job.last_error == ""


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

    [message] = smtp_server.messages
    assert message["Subject"] == f"[Postmortem] {title}"
    assert title in message_text(message)
    [html] = [p for p in message.walk() if p.get_content_type() == "text/html"]
    markup = html.get_payload(decode=True).decode()
    assert "R&amp;D billing &lt;API&gt;" in markup
    assert "<API>" not in markup


def test_a_restricted_postmortem_is_announced_to_its_team_only(
    restricted_approved_postmortem, alice, bob, announce_list, smtp_server
):
    approved_postmortem = restricted_approved_postmortem
    from hansei.accounts.models import User

    Job.objects.all().delete()
    gone = User.objects.create_user("gone", "gone@example.com", is_active=False)
    gone.memberships.create(team=approved_postmortem.team)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()

    [envelope] = smtp_server.envelopes
    assert sorted(envelope.rcpt_tos) == ["alice@example.com", "bob@example.com"]


def test_a_rolled_back_publication_queues_nothing(approved_postmortem, alice, announce_list):
    Job.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        publish_postmortem(actor=alice, postmortem=approved_postmortem)
        raise RuntimeError("something after it failed")

    assert not Job.objects.exists()
    assert not Revision.objects.exists()
    assert run_pending() == 0


def test_a_failing_smtp_server_is_retried_with_backoff_and_nothing_is_lost(
    approved_postmortem, alice, announce_list, smtp_server, settings
):
    Job.objects.all().delete()
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    before = timezone.now()

    assert run_pending() == 1

    job = Job.objects.get()
    assert job.attempts == 1
    assert job.finished_at is None
    assert job.failed is False
    assert job.claimed_at is None
    assert "Connection" in job.last_error or "refused" in job.last_error.lower()
    assert job.run_after >= before + timedelta(seconds=10)
    assert smtp_server.messages == []
    assert run_pending() == 0  # not due yet: backing off

    settings.EMAIL_PORT = working_port
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert run_pending() == 1

    job.refresh_from_db()
    assert job.finished_at is not None
    assert job.attempts == 2
    assert job.last_error == ""
    assert len(smtp_server.messages) == 1


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

    announcement = next(
        m for m in smtp_server.messages if m["Subject"].startswith("[Postmortem amended]")
    )
    assert announcement["Subject"] == (
        "[Postmortem amended] Checkout API returned 500s (revision 2)"
    )
    assert "What changed: Added the root cause." in message_text(announcement)


def test_reviewers_and_owners_hear_about_reviews(make_postmortem, alice, rita, smtp_server):
    postmortem = make_postmortem()
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="More numbers please.")

    assert run_pending() == 2

    by_recipient = {
        tuple(e.rcpt_tos): m
        for e, m in zip(smtp_server.envelopes, smtp_server.messages, strict=True)
    }
    assert set(by_recipient) == {("rita@example.com",), ("alice@example.com",)}
    assert "More numbers please." in message_text(by_recipient[("alice@example.com",)])


def test_with_no_recipients_nothing_is_queued(approved_postmortem, alice, settings):
    settings.HANSEI_ANNOUNCE_TO = []
    Job.objects.all().delete()

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    assert not _publication_jobs().exists()
