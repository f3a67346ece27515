"""What reaches whom where: the defaults, each person's choices, and the signed one-click
unsubscribe link every e-mail carries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.collab.comments.services import start_comment_thread
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.notifications.models import Notification, Preference, Subscription
from hansei.notifications.reasons import Reason
from hansei.notifications.services import follow
from hansei.notifications.unsubscribe import token_for
from hansei.postmortems.document.services import publish_postmortem

pytestmark = pytest.mark.django_db


def _mention(alice: Any, postmortem: Any) -> None:
    start_comment_thread(actor=alice, postmortem=postmortem, body="@bob can you check?")


def _mention_emails() -> Any:
    return Job.objects.filter(kind="notifications.email", payload__template="mention")


def test_the_settings_page_shows_the_defaults(client: Client, bob: Any):
    client.force_login(bob)

    page = client.get(reverse("notifications:settings")).content.decode()

    def ticked(name: str) -> bool:
        [box] = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', page)
        return " checked" in box

    assert ticked("mention:email") and ticked("mention:inbox")
    assert ticked("comment:inbox") and not ticked("comment:email")  # replies: inbox only


def test_turning_off_an_email_keeps_the_inbox(
    client: Client, alice: Any, bob: Any, make_postmortem: Any
):
    client.force_login(bob)
    ticked = {
        "mention:inbox": "on",
        "review_requested:email": "on",
        "junk:email": "on",
        "digest": "daily",
        "start_hour": "8",
        "end_hour": "17",
    }

    response = client.post(reverse("notifications:settings"), ticked)

    assert response.status_code == 302
    assert Preference.objects.get(user=bob, kind="mention", channel="email").enabled is False
    assert Preference.objects.get(user=bob, kind="review_requested", channel="email").enabled
    _mention(alice, make_postmortem())
    assert Notification.objects.filter(recipient=bob, kind="mention").exists()
    assert not _mention_emails().exists()


def test_turning_off_the_inbox_keeps_the_email(alice: Any, bob: Any, make_postmortem: Any):
    from hansei.notifications.services import set_preferences

    set_preferences(actor=bob, choices={("mention", "inbox"): False})

    _mention(alice, make_postmortem())

    assert not Notification.objects.filter(recipient=bob).exists()
    assert _mention_emails().filter(payload__recipient=bob.pk).exists()


def test_someone_elses_choices_change_nothing_of_mine(
    client: Client, alice: Any, bob: Any, make_postmortem: Any
):
    client.force_login(alice)
    everything_off = {"digest": "off", "start_hour": "9", "end_hour": "18"}
    client.post(reverse("notifications:settings"), everything_off)

    _mention(alice, make_postmortem())

    assert Notification.objects.filter(recipient=bob, kind="mention").exists()
    assert _mention_emails().filter(payload__recipient=bob.pk).exists()


def test_the_unsubscribe_link_asks_first_then_stops_that_kind_of_email(
    client: Client, alice: Any, bob: Any, make_postmortem: Any, smtp_server: Any
):
    postmortem = make_postmortem()
    _mention(alice, postmortem)
    run_pending()
    [message] = smtp_server.messages
    link = " ".join(str(message["List-Unsubscribe"]).split()).strip("<>")
    path = link.split("127.0.0.1:8000", 1)[1]

    page = client.get(path)  # a link scanner only looks: nothing changes

    assert page.status_code == 200
    assert "Stop e-mails of the kind “Mentions of you” to bob@example.com?" in page.content.decode()
    assert not Preference.objects.exists()
    done = client.post(path)
    assert done.status_code == 200
    assert "gets no more e-mails" in done.content.decode()
    assert Preference.objects.get(user=bob, kind="mention", channel="email").enabled is False
    _mention(alice, postmortem)
    assert _mention_emails().count() == 1
    assert Notification.objects.filter(recipient=bob, kind="mention").count() == 2


def test_a_mail_client_unsubscribes_with_one_click_and_no_session(
    alice: Any, bob: Any, payments: Any, approved_postmortem: Any
):
    """RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` to the link, with no
    cookie and no CSRF token; the signature is the authority."""
    subscription, _new = follow(actor=bob, target=approved_postmortem)
    token = token_for(bob, kind="published", reason=Reason("postmortem", "", subscription.pk))
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("notifications:unsubscribe", args=[token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not Preference.objects.exists()  # the subscription went, nothing else
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    [told] = Notification.objects.filter(recipient=bob, kind="published")
    assert told.reason == "You are a member of the Payments team."


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJ1IjoxLCJrIjoibWVudGlvbiJ9:1xa8YJ:forged",
        "%ED%A0%80",
        "a" * 5000,
    ],
)
def test_a_bad_unsubscribe_link_is_refused_with_a_reason(client: Client, bob: Any, token: str):
    response = client.post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_for_someone_gone_or_for_nothing_is_refused(client: Client, bob: Any):
    from django.core import signing

    from hansei.notifications.unsubscribe import SALT

    unknown_kind = signing.dumps({"u": bob.pk, "k": "everything"}, salt=SALT)
    bob_link = token_for(bob, kind="mention", reason=Reason("mentioned"))
    bob.is_active = False
    bob.save()

    for token in (unknown_kind, bob_link, signing.dumps([1], salt=SALT)):
        response = client.post(reverse("notifications:unsubscribe", args=[token]))
        assert response.status_code == 400
    assert not Preference.objects.exists()


def test_unsubscribing_from_a_subscription_already_gone_changes_nothing(
    client: Client, bob: Any, payments: Any
):
    subscription, _new = follow(actor=bob, target=payments)
    token = token_for(bob, kind="published", reason=Reason("team", "Payments", subscription.pk))
    subscription.delete()

    page = client.get(reverse("notifications:unsubscribe", args=[token]))

    assert page.status_code == 200
    assert "nothing left to stop" in page.content.decode()
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 200
    assert not Preference.objects.exists()


@pytest.mark.parametrize("digest", ["", "hourly", "\x00", "w" * 5000])
def test_a_bad_digest_choice_is_refused_and_nothing_is_saved(client: Client, bob: Any, digest: str):
    client.force_login(bob)

    response = client.post(
        reverse("notifications:settings"),
        {"digest": digest, "mention:inbox": "on", "start_hour": "9", "end_hour": "18"},
    )

    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_an_admin_sends_a_test_email_through_the_outbox_and_sees_failures(
    client: Client, ada: Any, smtp_server: Any, settings: Any
):
    from hansei.core.jobs import enqueue

    client.force_login(ada)
    response = client.post(reverse("notifications:test_email"), follow=True)
    assert "A test e-mail to ada@example.com is queued." in response.content.decode()

    run_pending()

    [message] = smtp_server.messages
    assert message["Subject"] == "Hansei test e-mail"
    broken = enqueue("notifications.email", {"template": "published"})
    assert broken is not None
    run_pending()
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "1 message failed for good in the last 7 days." in page
    assert "not a notification e-mail" in page


def test_only_admins_see_delivery_or_send_test_emails(client: Client, bob: Any):
    client.force_login(bob)

    assert client.post(reverse("notifications:test_email")).status_code == 403
    assert 'id="delivery"' not in client.get(reverse("notifications:settings")).content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("18", "9"), ("9", "9"), ("-1", "5"), ("9", "25"), ("x", "18"), ("", "")]
)
def test_bad_hours_are_refused_and_nothing_is_saved(client: Client, bob: Any, start: str, end: str):
    from hansei.notifications.models import WorkingHours

    client.force_login(bob)

    response = client.post(
        reverse("notifications:settings"),
        {"digest": "weekly", "mention:inbox": "on", "start_hour": start, "end_hour": end},
    )

    assert response.status_code == 400
    assert not WorkingHours.objects.exists() and not Preference.objects.exists()
