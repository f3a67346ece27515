"""A lead asks their team to read a published postmortem: who has not read it is told now
(inbox and e-mail), reminded once later, and never someone who read it or may not read it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.accounts.services import create_api_token
from hansei.conftest import person
from hansei.core.errors import InvalidState
from hansei.notifications.models import Notification, NotificationKind, ReadRequest
from hansei.notifications.reminders import send_reminders
from hansei.notifications.services import ask_team_to_read

pytestmark = pytest.mark.django_db


def _told(kind: str = NotificationKind.READ_REQUESTED) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_lead_asks_the_team_and_only_who_has_not_read_it_is_told_then_reminded_once(
    published_postmortem: Any, alice: Any, bob: Any, payments: Any, charlie: Any
) -> None:
    carol = person("carol", "member", payments)
    reader = Client()
    reader.force_login(bob)
    reader.get(reverse("postmortems:detail", args=[published_postmortem.pk]))  # Bob read it
    page = Client()
    page.force_login(alice)
    html = page.get(reverse("postmortems:detail", args=[published_postmortem.pk])).content.decode()
    assert 'id="ask-to-read"' in html
    response = page.post(
        reverse("notifications:ask_to_read", args=[published_postmortem.pk]),
        {"team": "payments"},
        follow=True,
    )
    assert "1 person who has not read it was told" in response.content.decode()
    assert _told() == {"carol"}  # not Bob (read it), not Alice (asked)
    # Asking again tells nobody twice.
    assert ask_team_to_read(actor=alice, postmortem=published_postmortem, team=payments) == []

    # A few business days later, who still has not read it is reminded, once.
    ReadRequest.objects.update(requested_at=timezone.now() - timedelta(days=8))
    wednesday = timezone.localtime() + timedelta(days=(2 - timezone.localtime().weekday()) % 7)
    for day in (0, 1):
        send_reminders((wednesday + timedelta(days=day)).replace(hour=11))
    carols = Notification.objects.filter(kind=NotificationKind.READ_REQUESTED, recipient=carol)
    assert [n.text for n in carols.order_by("pk")] == [
        f"Alice asks your team to read “{published_postmortem.title}”",
        f"Your team was asked to read “{published_postmortem.title}”; you have not yet",
    ]
    assert _told() == {"carol"}
    assert charlie.username not in _told()


def test_only_leads_ask_and_only_about_what_was_published(
    published_postmortem: Any, make_postmortem: Any, alice: Any, bob: Any, payments: Any
) -> None:
    with pytest.raises(PermissionDenied):
        ask_team_to_read(actor=bob, postmortem=published_postmortem, team=payments)
    bobs = Client()
    bobs.force_login(bob)
    html = bobs.get(reverse("postmortems:detail", args=[published_postmortem.pk])).content
    assert b'id="ask-to-read"' not in html
    with pytest.raises(InvalidState):
        ask_team_to_read(actor=alice, postmortem=make_postmortem(), team=payments)


def test_the_api_asks_a_team_and_says_who_was_told(
    published_postmortem: Any, alice: Any, bob: Any
) -> None:
    token = create_api_token(actor=alice, name="test")[1]
    answer = Client().post(
        f"/api/v1/postmortems/{published_postmortem.pk}/read-requests",
        data=json.dumps({"team": "payments"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 201 and answer.json() == {"team": "payments", "told": ["bob"]}
    missing = Client().post(
        f"/api/v1/postmortems/{published_postmortem.pk}/read-requests",
        data=json.dumps({"team": "nope"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert missing.status_code == 400
