"""The notifications API: my inbox, what reaches me where, and what I follow."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.collab.comments.services import start_comment_thread
from hansei.notifications.models import Notification, Preference, Subscription
from hansei.notifications.services import follow

pytestmark = pytest.mark.django_db


def test_it_lists_my_inbox_with_the_unread_count_and_marks_read(
    alice: Any, bob: Any, make_postmortem: Any
):
    postmortem = make_postmortem()
    start_comment_thread(actor=alice, postmortem=postmortem, body="@bob look")
    start_comment_thread(actor=alice, postmortem=postmortem, body="@bob and this")
    api = ApiClient(bob)

    page = api.get("/notifications").json()

    assert (page["total"], page["unread"]) == (2, 2)
    first = page["items"][0]
    assert first["kind"] == "mention" and first["reason"] == "You were mentioned."
    assert first["postmortem"] == postmortem.pk and first["read_at"] is None
    assert api.post(f"/notifications/{first['id']}/read").status_code == 204
    assert api.get("/notifications", unread="true").json()["total"] == 1
    assert api.post("/notifications/read").status_code == 204
    assert api.get("/notifications").json()["unread"] == 0
    # Alice's token reads nothing of Bob's.
    assert ApiClient(alice).post(f"/notifications/{first['id']}/read").status_code == 404


def test_it_reads_and_changes_what_reaches_me_where(bob: Any):
    api = ApiClient(bob)
    before = {c["kind"]: c["channels"] for c in api.get("/me/notification-settings").json()}
    assert before["mention"] == {"inbox": True, "email": True}
    assert before["comment"] == {"inbox": True, "email": False}

    response = api.put(
        "/me/notification-settings",
        {"choices": [{"kind": "mention", "channel": "email", "enabled": False}]},
    )

    assert response.status_code == 200
    after = {c["kind"]: c["channels"] for c in response.json()}
    assert after["mention"] == {"inbox": True, "email": False}
    assert after["comment"] == before["comment"]
    assert Preference.objects.get(user=bob).kind == "mention"


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [{"kind": "everything", "channel": "email", "enabled": False}]},
        {"choices": [{"kind": "mention", "channel": "pigeon", "enabled": False}]},
        {"choices": [{"kind": "mention", "channel": "email", "enabled": "maybe"}]},
        {"choices": [{"kind": None, "channel": "email", "enabled": True}]},
        {"choices": [{"kind": "\ud800", "channel": "email", "enabled": True}]},
        {"choices": [{"kind": ["mention"], "channel": {"a": 1}, "enabled": True}]},
        {"choices": [{"kind": "mention", "channel": "email", "enabled": True}] * 201},
        {"choices": None},
        {"choices": "mention"},
        {},
    ],
)
def test_bad_settings_are_refused_with_a_reason_and_change_nothing(bob: Any, body: Any):
    response = ApiClient(bob).put("/me/notification-settings", body)

    assert response.status_code in (400, 422), response.content
    assert response.json()["detail"]
    assert not Preference.objects.exists()


def test_it_follows_by_slug_or_name_once_and_unfollows(
    bob: Any, payments: Any, sev: Any, make_postmortem: Any
):
    api = ApiClient(bob)
    postmortem = make_postmortem()

    first = api.post("/me/subscriptions", {"team": "payments"})
    again = api.post("/me/subscriptions", {"team": "payments"})
    severity = api.post("/me/subscriptions", {"severity": sev(1).name})
    mine = api.post("/me/subscriptions", {"postmortem": postmortem.pk})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["follows"] == "team" and first.json()["name"] == "Payments"
    assert severity.status_code == 201 and severity.json()["target"] == sev(1).pk
    assert mine.json()["name"] == postmortem.title
    listed = api.get("/me/subscriptions").json()
    assert [s["follows"] for s in listed] == ["team", "severity", "postmortem"]
    assert api.delete(f"/me/subscriptions/{first.json()['id']}").status_code == 204
    assert Subscription.objects.filter(user=bob).count() == 2


def test_nobody_follows_what_they_may_not_read_or_unfollows_for_another(
    bob: Any, charlie: Any, payments: Any, make_postmortem: Any
):
    subscription, _new = follow(actor=bob, target=payments)
    api = ApiClient(charlie)

    assert api.post("/me/subscriptions", {"postmortem": make_postmortem().pk}).status_code == 404
    assert api.delete(f"/me/subscriptions/{subscription.pk}").status_code == 404
    assert list(Subscription.objects.all()) == [subscription]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"team": "payments", "severity": "SEV1"}, None),
        ({"team": "nowhere"}, "team"),
        ({"service": "\ud800"}, None),
        ({"severity": "x" * 10_000}, "severity"),
        ({"postmortem": 10**30}, None),
        ({"postmortem": "one"}, None),
        ({"team": {"slug": "payments"}}, None),
    ],
)
def test_a_bad_follow_is_refused_with_a_reason(
    bob: Any, payments: Any, body: Any, field: str | None
):
    response = ApiClient(bob).post("/me/subscriptions", body)

    assert response.status_code in (400, 404, 422), response.content
    assert response.json()["detail"]
    if field:
        assert_error(response, 400, field)
    assert not Subscription.objects.exists()


def test_notifications_about_what_i_can_no_longer_read_are_not_listed(
    alice: Any, bob: Any, make_postmortem: Any
):
    start_comment_thread(actor=alice, postmortem=make_postmortem(), body="@bob look")
    bob.memberships.all().delete()

    page = ApiClient(bob).get("/notifications").json()

    assert (page["total"], page["unread"]) == (0, 0)
    assert Notification.objects.filter(recipient=bob).count() == 1
