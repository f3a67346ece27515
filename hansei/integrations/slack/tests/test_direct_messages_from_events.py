"""Direct messages from the notification center: what reaches the inbox (a review asked of
someone, a mention) reaches them in Slack too once Hansei is a Slack app, as they choose,
once, and only while they may read it. Against the local Slack Web API (slack_api.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.collab.comments.services import start_comment_thread
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.integrations.slack.tests.conftest import SLACK_IDS
from hansei.notifications.services import set_preferences
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db


def _dms(slack_api: Any) -> list[dict[str, Any]]:
    return [call.args for call in slack_api.called("chat.postMessage")]


def test_a_review_request_reaches_the_reviewer_in_slack_once(
    slack_api: Any, in_slack: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    in_slack(rita)
    postmortem = make_postmortem()
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    run_pending()
    run_pending()

    [opened] = slack_api.called("conversations.open")
    assert opened.args["users"] == SLACK_IDS["rita"]
    [message] = _dms(slack_api)
    assert "Alice asked you to review “Checkout API returned 500s”" in message["text"]
    link = f"https://hansei.example.com/postmortems/{postmortem.pk}/reviews/{review.pk}/"
    assert link in message["text"]
    assert "You were asked to review it." in str(message["blocks"])
    assert Job.objects.filter(kind="notifications.chat").count() == 1


def test_nobody_gets_a_direct_message_they_turned_off_or_before_slack_is_set_up(
    slack_api: Any, in_slack: Any, settings: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    in_slack(bob)
    postmortem = make_postmortem()
    set_preferences(actor=bob, choices={("mention", "chat"): False})
    start_comment_thread(actor=alice, postmortem=postmortem, body="@bob first")
    settings.HANSEI_SLACK_BOT_TOKEN = ""
    set_preferences(actor=bob, choices={("mention", "chat"): True})
    start_comment_thread(actor=alice, postmortem=postmortem, body="@bob second")

    run_pending()

    assert not Job.objects.filter(kind="notifications.chat").exists()
    assert _dms(slack_api) == []


def test_a_direct_message_is_not_sent_to_someone_who_may_no_longer_read_it(
    slack_api: Any, in_slack: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    in_slack(bob)
    start_comment_thread(actor=alice, postmortem=make_postmortem(), body="@bob look")
    bob.memberships.all().delete()

    run_pending()

    assert _dms(slack_api) == []
    assert Job.objects.get(kind="notifications.chat").finished_at is not None


def test_the_settings_page_offers_slack_once_it_is_set_up(
    client: Client, settings: Any, slack_api: Any, bob: Any
) -> None:
    client.force_login(bob)
    assert 'name="mention:chat"' in client.get(reverse("notifications:settings")).content.decode()

    settings.HANSEI_SLACK_SIGNING_SECRET = ""

    assert (
        'name="mention:chat"' not in client.get(reverse("notifications:settings")).content.decode()
    )


def test_a_direct_message_says_why_and_its_link_stops_only_slack_messages_of_that_kind(
    slack_api: Any, in_slack: Any, client: Client, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    import re

    from hansei.notifications.models import Preference

    in_slack(rita)
    submit_for_review(actor=alice, postmortem=make_postmortem(), reviewers=[rita])
    run_pending()
    [message] = _dms(slack_api)
    context = message["blocks"][-1]["elements"]
    assert context[0]["text"] == "You were asked to review it."
    found = re.search(
        r"<https://hansei\.example\.com(/notifications/unsubscribe/[^|]+/)\|", context[1]["text"]
    )
    assert found and "Stop these messages" in context[1]["text"]

    page = client.get(found.group(1))
    assert (
        "Stop Slack messages of the kind “Reviews asked of you” to rita@example.com?"
        in page.content.decode()
    )
    client.post(found.group(1))

    [stopped] = Preference.objects.filter(user=rita)
    assert (stopped.kind, stopped.channel, stopped.enabled) == ("review_requested", "chat", False)
