"""Following a postmortem, a team, a service or a severity: who hears what, and that nobody
hears of what they may not read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.core.models import Job
from hansei.incidents.models import Service
from hansei.notifications.models import Notification, NotificationKind, Subscription
from hansei.notifications.services import follow
from hansei.postmortems.document.services import publish_postmortem
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db


def _told(user: Any, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_it_follows_a_postmortem_from_its_page_once_and_unfollows(
    client: Client, bob: Any, make_postmortem: Any
):
    postmortem = make_postmortem()
    client.force_login(bob)
    page = reverse("postmortems:detail", args=[postmortem.pk])
    assert "Follow" in client.get(page).content.decode()

    for _twice in range(2):
        response = client.post(reverse("notifications:follow_postmortem", args=[postmortem.pk]))
        assert response.status_code == 302 and response["Location"] == page

    subscription = Subscription.objects.get(user=bob)
    assert subscription.postmortem == postmortem
    assert 'aria-pressed="true"' in client.get(page).content.decode()
    response = client.post(
        reverse("notifications:unfollow", args=[subscription.pk]), {"back": "postmortem"}
    )
    assert response.status_code == 302 and response["Location"] == page
    assert not Subscription.objects.exists()


def test_nobody_follows_a_postmortem_they_may_not_read(
    client: Client, charlie: Any, make_postmortem: Any
):
    postmortem = make_postmortem()  # a draft of Payments; Charlie is in Search
    client.force_login(charlie)

    response = client.post(reverse("notifications:follow_postmortem", args=[postmortem.pk]))

    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_nobody_unfollows_for_someone_else(client: Client, bob: Any, charlie: Any, payments: Any):
    subscription, _new = follow(actor=bob, target=payments)
    client.force_login(charlie)

    response = client.post(reverse("notifications:unfollow", args=[subscription.pk]))

    assert response.status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_it_follows_a_team_service_or_severity_from_the_settings_page(
    client: Client, charlie: Any, payments: Any, sev: Any
):
    client.force_login(charlie)
    service = Service.objects.create(name="Checkout", slug="checkout")

    for field, value in (("team", payments.pk), ("service", service.pk), ("severity", sev(1).pk)):
        response = client.post(reverse("notifications:follow"), {field: value})
        assert response.status_code == 302

    page = client.get(reverse("notifications:settings")).content.decode()
    assert all(name in page for name in ("Payments", "Checkout", sev(1).name))
    kinds = sorted(s.target_kind for s in Subscription.objects.filter(user=charlie))
    assert kinds == ["service", "severity", "team"]


@pytest.mark.parametrize(
    "body",
    [
        "",
        "team=",
        "team=abc",
        "team=99999999999999999999999",
        "team=-1",
        "team=%ED%A0%80",  # a lone surrogate, as UTF-8 would spell it
        "team=1%00",
        "team=1&severity=1",
    ],
)
def test_a_follow_that_names_no_one_thing_is_refused_with_a_reason(
    client: Client, charlie: Any, payments: Any, sev: Any, body: str
):
    client.force_login(charlie)

    response = client.post(
        reverse("notifications:follow"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert not Subscription.objects.exists()
    if "%00" not in body:  # a NUL is refused before any form, in plain words
        assert 'class="errorlist' in response.content.decode()


def test_followers_hear_of_a_submission_only_if_they_may_read_the_draft(
    alice: Any, bob: Any, charlie: Any, rita: Any, payments: Any, make_postmortem: Any
):
    postmortem = make_postmortem()
    follow(actor=bob, target=payments)
    follow(actor=charlie, target=payments)  # another team: may not read the draft

    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    [told] = _told(bob, NotificationKind.SUBMITTED)
    assert told.text == "Alice submitted “Checkout API returned 500s” for review"
    assert told.reason == "You follow the Payments team."
    assert _told(charlie, NotificationKind.SUBMITTED) == []
    # In the inbox only, by default: no e-mail for a submission.
    assert not Job.objects.filter(payload__template="submitted").exists()


def test_followers_of_a_service_or_severity_hear_of_a_publication(
    alice: Any, charlie: Any, approved_postmortem: Any
):
    incident = approved_postmortem.incidents.get()
    service = Service.objects.create(name="Checkout", slug="checkout")
    incident.services.add(service)
    severity_fan = type(charlie).objects.create_user("sam", "sam@example.com")
    follow(actor=charlie, target=service)
    follow(actor=severity_fan, target=incident.severity)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    [to_charlie] = _told(charlie, NotificationKind.PUBLISHED)
    assert to_charlie.reason == "You follow the Checkout service."
    [to_sam] = _told(severity_fan, NotificationKind.PUBLISHED)
    assert to_sam.reason == f"You follow {incident.severity.name} postmortems."
    emailed = Job.objects.filter(kind="notifications.email", payload__template="published")
    assert {job.payload.get("recipient") for job in emailed} >= {charlie.pk, severity_fan.pk}


def test_the_most_particular_reason_is_given_once(
    alice: Any, bob: Any, payments: Any, approved_postmortem: Any
):
    follow(actor=bob, target=payments)
    follow(actor=bob, target=approved_postmortem)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    [told] = _told(bob, NotificationKind.PUBLISHED)
    assert told.reason == "You follow this postmortem."


def test_an_id_too_large_for_the_database_is_refused_not_a_crash(
    client: Client, charlie: Any, payments: Any
):
    client.force_login(charlie)

    response = client.post(reverse("notifications:follow"), {"team": "9" * 30})

    assert response.status_code == 400
    assert not Subscription.objects.exists()
