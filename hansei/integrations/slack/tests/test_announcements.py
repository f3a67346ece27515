"""A publication reaches a Slack channel through a chat route of kind "slack" (the chat
router, the job queue and this transport), against the local Web API of ``slack_api``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.integrations.models import ChatRoute
from hansei.integrations.slack.tests.slack_api import TOKEN, Failure, SlackApi
from hansei.postmortems.document.services import publish_postmortem


def test_a_publication_is_announced_in_the_routes_slack_channel(
    slack_api: SlackApi, approved_postmortem: Any, alice: Any, payments: Any
) -> None:
    ChatRoute.objects.create(name="payments", kind="slack", target="C123ABC456", team=payments)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()

    [posted] = slack_api.called("chat.postMessage")
    assert posted.headers["Authorization"] == f"Bearer {TOKEN}"
    assert posted.args["channel"] == "C123ABC456"
    title = posted.args["blocks"][1]["text"]["text"]
    assert title == (
        f"*<https://hansei.example.com/postmortems/{approved_postmortem.pk}/|"
        "Checkout API returned 500s>*"
    )
    assert "config push" not in str(posted.args)  # the summary's words: no section text


def test_a_rate_limited_announcement_waits_as_long_as_slack_asks(
    slack_api: SlackApi, approved_postmortem: Any, alice: Any
) -> None:
    ChatRoute.objects.create(name="all", kind="slack", target="C123ABC456")
    limited = Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "600"})
    slack_api.fail("chat.postMessage", limited)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    before = timezone.now()
    run_pending()

    job = Job.objects.get(kind="integrations.chat")
    assert (job.failed, job.finished_at, job.attempts) == (False, None, 1)
    assert job.run_after >= before + timedelta(seconds=600)
