"""Announcements to a channel and direct messages, against a local server speaking Slack's Web
API (see ``slack_api`` for the documentation each answer comes from)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hansei.core.jobs import enqueue, run_pending
from hansei.core.models import Job
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.slack import transport
from hansei.integrations.slack.client import slack_is_configured
from hansei.integrations.slack.tests.slack_api import TOKEN, Failure, SlackApi
from hansei.integrations.transport import TransportError

MESSAGE = ChatMessage(
    event="published",
    headline="Payments published a postmortem",
    title="Checkout API returned 500s <!channel> & more",
    url="https://hansei.example.com/postmortems/7/",
    facts=(("Severity", "SEV2"), ("Team", "Payments")),
    reason="This channel follows Payments.",
)


def dm_payload(recipient: Any, postmortem: Any, **extra: Any) -> dict[str, Any]:
    return {
        "recipient": recipient.pk,
        "postmortem": postmortem.pk,
        "text": "Rita approved “Checkout API returned 500s”",
        "url": f"https://hansei.example.com/postmortems/{postmortem.pk}/",
        "reason": "You own this postmortem.",
        "key": f"chat:{recipient.pk}:{postmortem.pk}",
        **extra,
    }


def queue_dm(payload: dict[str, Any]) -> Job:
    job = enqueue("notifications.chat", payload, key=payload["key"])
    assert job is not None
    return job


# --- announcements -----------------------------------------------------------------------------


def test_it_posts_an_announcement_with_blocks_and_a_text_fallback(slack_api: SlackApi) -> None:
    transport.notify("C123ABC456", MESSAGE)

    [call] = slack_api.called("chat.postMessage")
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.args["channel"] == "C123ABC456"
    assert "Checkout API returned 500s" in call.args["text"]
    assert MESSAGE.url in call.args["text"]
    header, title, small_print = call.args["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Payments published a postmortem", "emoji": False},
    }
    # The title is a link and cannot mention the channel or break the link.
    assert title["text"]["text"] == (
        "*<https://hansei.example.com/postmortems/7/|"
        "Checkout API returned 500s &lt;!channel&gt; &amp; more>*"
    )
    assert [e["text"] for e in small_print["elements"]] == [
        "*Severity:* SEV2",
        "*Team:* Payments",
        "This channel follows Payments.",
    ]


def test_it_uses_a_route_token_when_one_is_given(slack_api: SlackApi) -> None:
    transport.notify("C123ABC456", MESSAGE, secret="xoxb-another-workspace")

    [call] = slack_api.called("chat.postMessage")
    assert call.headers["Authorization"] == "Bearer xoxb-another-workspace"


def test_it_cuts_a_very_long_title_to_what_slack_accepts(slack_api: SlackApi) -> None:
    long = ChatMessage(event="test", headline="h" * 400, title="t" * 5000, url="https://x.test/")
    transport.notify("C123ABC456", long)

    [call] = slack_api.called("chat.postMessage")
    header, title = call.args["blocks"]
    assert len(header["text"]["text"]) == 150
    assert len(title["text"]["text"]) <= 3000


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("invalid_auth", "HANSEI_SLACK_BOT_TOKEN"),
        ("not_authed", "HANSEI_SLACK_BOT_TOKEN"),
        ("account_inactive", "reinstall"),
        ("token_revoked", "reinstall"),
        ("channel_not_found", "invite the bot"),
        ("is_archived", "unarchive"),
        ("not_in_channel", "/invite"),
    ],
)
def test_it_reports_a_refusal_retrying_cannot_fix_as_permanent(
    slack_api: SlackApi, error: str, advice: str
) -> None:
    slack_api.fail("chat.postMessage", Failure(200, {"ok": False, "error": error}))

    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)

    assert raised.value.permanent
    assert error in raised.value.message
    assert advice in raised.value.message


def test_it_reports_a_rate_limit_as_temporary_with_slacks_wait(slack_api: SlackApi) -> None:
    limited = Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"})
    slack_api.fail("chat.postMessage", limited)

    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)

    assert not raised.value.permanent
    assert getattr(raised.value, "retry_after", None) == 30


@pytest.mark.parametrize(
    "failure",
    [
        Failure(500, b"<html>Internal Server Error</html>"),
        Failure(503, {"ok": False, "error": "service_unavailable"}),
        Failure(200, {"ok": False, "error": "internal_error"}),
    ],
)
def test_it_reports_a_slack_outage_as_temporary(slack_api: SlackApi, failure: Failure) -> None:
    slack_api.fail("chat.postMessage", failure)

    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)

    assert not raised.value.permanent


def test_it_reports_a_timeout_as_temporary(slack_api: SlackApi, settings: Any) -> None:
    settings.HANSEI_SLACK_TIMEOUT = 1
    slack_api.delay = 1.5

    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)

    assert not raised.value.permanent


def test_it_reports_slack_being_down_as_temporary(settings: Any) -> None:
    from hansei.conftest import free_port

    settings.HANSEI_SLACK_BOT_TOKEN = TOKEN
    settings.HANSEI_SLACK_SIGNING_SECRET = "secret"
    settings.HANSEI_SLACK_API_URL = f"http://127.0.0.1:{free_port()}/api/"

    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)

    assert not raised.value.permanent


def test_it_refuses_to_announce_while_slack_is_not_set_up(settings: Any) -> None:
    settings.HANSEI_SLACK_BOT_TOKEN = ""

    assert not slack_is_configured()
    with pytest.raises(TransportError) as raised:
        transport.notify("C123ABC456", MESSAGE)
    assert raised.value.permanent


# --- direct messages through the job queue -----------------------------------------------------


def test_it_sends_a_direct_message_to_the_recipients_slack_user(
    slack_api: SlackApi, in_slack: Any, alice: Any, make_postmortem: Any
) -> None:
    in_slack(alice)
    postmortem = make_postmortem()
    job = queue_dm(dm_payload(alice, postmortem))

    assert run_pending() == 1

    job.refresh_from_db()
    assert job.finished_at is not None and not job.failed
    [lookup] = slack_api.called("users.lookupByEmail")
    assert lookup.args["email"] == "alice@example.com"
    [opened] = slack_api.called("conversations.open")
    assert opened.args["users"] == "U2CERLKJA"
    [posted] = slack_api.called("chat.postMessage")
    assert posted.args["channel"] == "D069C7QFK"
    line, why = posted.args["blocks"]
    assert line["text"]["text"] == (
        f"<https://hansei.example.com/postmortems/{postmortem.pk}/|"
        "Rita approved “Checkout API returned 500s”>"
    )
    assert why["elements"][0]["text"] == "You own this postmortem."


def test_it_sends_nothing_to_someone_who_may_no_longer_read_the_postmortem(
    slack_api: SlackApi, in_slack: Any, charlie: Any, make_postmortem: Any
) -> None:
    in_slack(charlie)
    job = queue_dm(dm_payload(charlie, make_postmortem()))

    run_pending()

    job.refresh_from_db()
    assert job.finished_at is not None and not job.failed
    assert slack_api.calls == []


def test_it_sends_nothing_to_a_deactivated_person(
    slack_api: SlackApi, in_slack: Any, bob: Any, make_postmortem: Any
) -> None:
    in_slack(bob)
    job = queue_dm(dm_payload(bob, make_postmortem()))
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    run_pending()

    job.refresh_from_db()
    assert job.finished_at is not None and not job.failed
    assert slack_api.calls == []


def test_someone_not_in_the_workspace_gets_no_direct_message_and_it_is_no_failure(
    slack_api: SlackApi, alice: Any, make_postmortem: Any
) -> None:
    """Alice has no Slack account with her address: she does not use Slack here, which is
    nothing for an admin to fix, so the job ends quietly instead of failing."""
    job = queue_dm(dm_payload(alice, make_postmortem()))

    run_pending()

    job.refresh_from_db()
    assert job.finished_at is not None and not job.failed and job.last_error == ""
    assert len(slack_api.called("users.lookupByEmail")) == 1
    assert slack_api.called("chat.postMessage") == []


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "token_revoked"])
def test_it_stops_retrying_a_direct_message_slack_refuses_for_good(
    slack_api: SlackApi, in_slack: Any, alice: Any, make_postmortem: Any, error: str
) -> None:
    in_slack(alice)
    slack_api.fail("chat.postMessage", Failure(200, {"ok": False, "error": error}))
    job = queue_dm(dm_payload(alice, make_postmortem()))

    run_pending()

    job.refresh_from_db()
    assert job.failed and job.attempts == 1
    assert error in job.last_error


def test_it_retries_a_rate_limited_direct_message_no_sooner_than_slack_asks(
    slack_api: SlackApi, in_slack: Any, alice: Any, make_postmortem: Any
) -> None:
    in_slack(alice)
    limited = Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "120"})
    slack_api.fail("chat.postMessage", limited)
    job = queue_dm(dm_payload(alice, make_postmortem()))

    before = timezone.now()
    run_pending()

    job.refresh_from_db()
    assert not job.failed and job.finished_at is None and job.attempts == 1
    assert job.run_after >= before + timedelta(seconds=120)
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())

    run_pending()

    job.refresh_from_db()
    assert job.finished_at is not None and not job.failed
    assert len(slack_api.called("chat.postMessage")) == 2


@pytest.mark.parametrize(
    "failure",
    [Failure(500, b"<html>oops</html>"), Failure(200, {"ok": False, "error": "fatal_error"})],
)
def test_it_retries_a_direct_message_after_a_slack_outage(
    slack_api: SlackApi, in_slack: Any, alice: Any, make_postmortem: Any, failure: Failure
) -> None:
    in_slack(alice)
    slack_api.fail("chat.postMessage", failure)
    job = queue_dm(dm_payload(alice, make_postmortem()))

    run_pending()

    job.refresh_from_db()
    assert not job.failed and job.finished_at is None and job.attempts == 1
    assert job.run_after > timezone.now()


def test_it_fails_a_direct_message_job_without_a_recipient_for_good(
    slack_api: SlackApi, db: None
) -> None:
    job = enqueue("notifications.chat", {"postmortem": 1, "text": "x", "url": "https://x.test/"})
    assert job is not None

    run_pending()

    job.refresh_from_db()
    assert job.failed and "recipient" in job.last_error
    assert slack_api.calls == []
