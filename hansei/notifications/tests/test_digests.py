"""Digests on a clock of the test's own: what needs a person (daily or weekly, in their
working hours and time zone, never twice a period, never empty), and the weekly digest to
the announcement lists (public work only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.accounts.tests.test_api import ApiClient
from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.incidents.services import update_policy
from hansei.notifications.digests import send_digests, send_organisation_digest
from hansei.notifications.emails import compose_digest
from hansei.notifications.models import DigestChoice
from hansei.notifications.services import set_digest
from hansei.postmortems.document.services import publish_postmortem
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db


def _monday_after(days: int) -> date:
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(0 - day.weekday()) % 7)


MONDAY = _monday_after(7)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _digests() -> Any:
    return Job.objects.filter(kind="notifications.digest")


def test_weekly_digests_go_on_monday_mornings_once(alice: Any, bob: Any):
    assert send_digests(at(MONDAY, 7)) == 0  # before working hours
    assert send_digests(at(MONDAY)) == 2  # Alice and Bob: weekly by default
    assert send_digests(at(MONDAY, 15)) == 0  # the same week
    assert send_digests(at(MONDAY + timedelta(days=1))) == 0  # Tuesday

    assert send_digests(at(MONDAY + timedelta(days=7))) == 2
    assert {job.payload["recipient"] for job in _digests()} == {alice.pk, bob.pk}


def test_daily_off_and_time_zones_are_each_persons(alice: Any, bob: Any, charlie: Any):
    set_digest(actor=alice, frequency="daily")
    set_digest(actor=bob, frequency="off")
    charlie.time_zone = "Asia/Tokyo"
    charlie.save()
    tuesday = MONDAY + timedelta(days=1)

    assert send_digests(at(tuesday)) == 1  # Alice (daily); Charlie's Tuesday 19:00 is over
    assert send_digests(at(MONDAY, 1)) == 1  # 10:00 on Monday in Tokyo: Charlie

    assert {job.payload["recipient"] for job in _digests()} == {alice.pk, charlie.pk}


def test_a_digest_says_what_needs_you_and_an_empty_one_is_not_sent(
    alice: Any, bob: Any, rita: Any, make_postmortem: Any, smtp_server: Any
):
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    Job.objects.all().delete()

    send_digests(at(MONDAY))
    run_pending()

    pairs = zip(smtp_server.envelopes, smtp_server.messages, strict=True)
    mails = {envelope.rcpt_tos[0]: message for envelope, message in pairs}
    # Bob owns nothing, reviews nothing and has no items: no digest.
    assert set(mails) == {alice.email, rita.email}
    text = message_text(mails[rita.email])
    assert "Reviews waiting for you" in text and postmortem.title in text
    assert "You get this digest every Monday." in text
    assert mails[rita.email]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(job.finished_at and not job.failed for job in _digests())


def test_the_digest_link_stops_the_digest(client: Client, alice: Any, make_postmortem: Any):
    make_postmortem()  # Alice owns a draft: her digest has something in it
    message = compose_digest({"recipient": alice.pk, "frequency": "weekly", "key": "k"})
    link = " ".join(str(message.extra_headers["List-Unsubscribe"]).split()).strip("<>")

    response = client.post(link.split("127.0.0.1:8000", 1)[1])

    assert response.status_code == 200
    assert "gets no more digests" in response.content.decode()
    assert DigestChoice.objects.get(user=alice).frequency == "off"


def test_the_lists_get_public_work_and_counts_on_mondays(
    ada: Any, alice: Any, approved_postmortem: Any, make_postmortem: Any
):
    update_policy(actor=ada, changes={"announcement_recipients": "eng@example.com"})
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    draft = make_postmortem()
    type(draft).objects.filter(pk=draft.pk).update(title="Secret draft about the vault")
    draft.refresh_from_db()

    assert send_organisation_digest(at(MONDAY + timedelta(days=2))) == 0  # Wednesday
    assert send_organisation_digest(at(MONDAY)) == 1
    assert send_organisation_digest(at(MONDAY, 16)) == 0

    [job] = _digests()
    message = compose_digest(job.payload)
    body = message.body
    assert approved_postmortem.title in body
    assert draft.title not in body
    assert message.to == ["eng@example.com"]


def test_the_settings_page_and_the_api_change_the_digest(client: Client, bob: Any):
    client.force_login(bob)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert '<option value="weekly" selected>' in page

    hours = {"start_hour": "9", "end_hour": "18"}
    client.post(reverse("notifications:settings"), {"digest": "daily", **hours})
    assert DigestChoice.objects.get(user=bob).frequency == "daily"

    api = ApiClient(bob)
    assert api.get("/me/digest").json() == {"frequency": "daily"}
    assert api.put("/me/digest", {"frequency": "off"}).json() == {"frequency": "off"}
    assert api.put("/me/digest", {"frequency": "hourly"}).status_code == 422
    assert DigestChoice.objects.get(user=bob).frequency == "off"
