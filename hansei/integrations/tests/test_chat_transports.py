"""Each chat transport posts the shape its system documents, to a local HTTP server standing in
for it; failures are temporary or permanent as the transport contract says.

The shapes are copied from each product's documentation:

* Microsoft Teams, Adaptive Cards through an incoming webhook:
  https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
  (``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": {...}}]}``; classic
  connectors answer a throttled post with "Microsoft Teams endpoint returned HTTP error 429"
  in a 200's body) and https://adaptivecards.io/explorer/FactSet.html, Action.OpenUrl.html;
* Mattermost, https://developers.mattermost.com/integrate/webhooks/incoming/ and
  https://developers.mattermost.com/integrate/reference/message-attachments/;
* Google Chat, https://developers.google.com/workspace/chat/quickstart/webhooks and
  https://developers.google.com/chat/messages-overview (``text``, ``cardsV2``);
* Discord, https://discord.com/developers/docs/resources/webhook#execute-webhook,
  .../resources/message#embed-object and https://discord.com/developers/docs/topics/rate-limits
  (429 with ``retry_after`` in seconds).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hansei.core.http import absolute_url
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.integrations.chat import deliver
from hansei.integrations.models import ChatRoute
from hansei.integrations.tests.receiver import Receiver
from hansei.integrations.webhook.transport import signature
from hansei.postmortems.document.services import publish_postmortem


def route(receiver: Receiver, kind: str, **values: Any) -> ChatRoute:
    target = values.pop("target", receiver.url(f"/{kind}"))
    return ChatRoute.objects.create(name=f"{kind} route", kind=kind, target=target, **values)


def publish(postmortem: Any, alice: Any) -> Any:
    publish_postmortem(actor=alice, postmortem=postmortem)
    run_pending()
    postmortem.refresh_from_db()
    return postmortem


def announced(receiver: Receiver, kind: str, postmortem: Any, alice: Any) -> tuple[Any, Any]:
    """Publish to one route of ``kind``: the postmortem and the one request its system got."""
    route(receiver, kind)
    postmortem = publish(postmortem, alice)
    [request] = receiver.to(f"/{kind}")
    return postmortem, request


def page_of(postmortem: Any) -> str:
    return absolute_url(reverse("postmortems:detail", args=[postmortem.pk]))


def test_it_posts_an_adaptive_card_to_teams(receiver, approved_postmortem, alice):
    postmortem, request = announced(receiver, "teams", approved_postmortem, alice)
    body = request.json
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    texts = [block["text"] for block in card["body"] if block["type"] == "TextBlock"]
    assert texts[:2] == ["Payments published a postmortem", postmortem.title]
    [facts] = [block["facts"] for block in card["body"] if block["type"] == "FactSet"]
    assert {"title": "Team", "value": "Payments"} in facts
    assert {"title": "Severity", "value": "SEV2"} in facts
    assert {"title": "Owner", "value": alice.name} in facts
    assert {"title": "Incident duration", "value": "2h 00m"} in facts
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Hansei", "url": page_of(postmortem)}
    ]
    assert request.headers["Content-Type"] == "application/json"


def test_a_throttled_teams_connector_is_tried_again(receiver, approved_postmortem, alice):
    teams = route(receiver, "teams")
    receiver.answer(200, b"Microsoft Teams endpoint returned HTTP error 429 with ContextId x")
    publish(approved_postmortem, alice)

    job = Job.objects.get(kind="integrations.chat")
    assert (job.failed, job.finished_at, job.attempts) == (False, None, 1)
    teams.refresh_from_db()
    assert "throttling" in teams.last_error


def test_it_posts_text_and_an_attachment_to_mattermost(receiver, approved_postmortem, alice):
    postmortem, request = announced(receiver, "mattermost", approved_postmortem, alice)
    body = request.json
    assert body["text"] == "Payments published a postmortem"
    [attachment] = body["attachments"]
    assert attachment["title"] == postmortem.title
    assert attachment["title_link"] == page_of(postmortem)
    assert postmortem.title in attachment["fallback"]
    assert attachment["color"].startswith("#")
    assert {"title": "Team", "value": "Payments", "short": True} in attachment["fields"]
    assert "every team's postmortems" in attachment["footer"]


def test_it_posts_text_and_a_card_to_google_chat(receiver, approved_postmortem, alice):
    postmortem, request = announced(receiver, "google_chat", approved_postmortem, alice)
    body = request.json
    assert body["text"] == (
        f"Payments published a postmortem\n<{page_of(postmortem)}|{postmortem.title}>"
    )
    [card] = body["cardsV2"]
    assert card["cardId"] == "hansei-published"
    assert card["card"]["header"] == {
        "title": postmortem.title,
        "subtitle": "Payments published a postmortem",
    }
    widgets = card["card"]["sections"][0]["widgets"]
    assert {"decoratedText": {"topLabel": "Severity", "text": "SEV2"}} in widgets
    [buttons] = [w["buttonList"]["buttons"] for w in widgets if "buttonList" in w]
    assert buttons == [
        {"text": "Open in Hansei", "onClick": {"openLink": {"url": page_of(postmortem)}}}
    ]


def test_it_posts_content_and_an_embed_to_discord(receiver, approved_postmortem, alice):
    postmortem, request = announced(receiver, "discord", approved_postmortem, alice)
    body = request.json
    assert body["content"] == "Payments published a postmortem"
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert embed["title"] == postmortem.title
    assert embed["url"] == page_of(postmortem)
    assert isinstance(embed["color"], int)
    assert {"name": "Owner", "value": alice.name, "inline": True} in embed["fields"]
    assert "every team's postmortems" in embed["footer"]["text"]


def test_a_discord_rate_limit_is_temporary_and_says_when_to_try_again(
    receiver, approved_postmortem, alice
):
    discord = route(receiver, "discord")
    limited = {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}
    receiver.answer(429, json.dumps(limited).encode(), headers={"Retry-After": "2"})
    publish(approved_postmortem, alice)

    job = Job.objects.get(kind="integrations.chat")
    assert (job.failed, job.finished_at, job.attempts) == (False, None, 1)
    discord.refresh_from_db()
    assert discord.last_error == "HTTP 429: rate limited by Discord, retry after 1.5 s"
    assert discord.is_failing

    job.run_after = job.created_at
    job.save()
    run_pending()
    discord.refresh_from_db()
    assert len(receiver.to("/discord")) == 2
    assert not discord.is_failing


def test_the_webhook_is_signed_and_carries_facts_not_text(receiver, approved_postmortem, alice):
    hook = route(receiver, "webhook")
    postmortem = publish(approved_postmortem, alice)

    [request] = receiver.to("/webhook")
    revision = postmortem.latest_revision()
    assert request.headers["X-Hansei-Event"] == "published"
    assert request.headers["X-Hansei-Delivery"] == f"revision:{revision.pk}:route:{hook.pk}"
    timestamp = request.headers["X-Hansei-Timestamp"]
    signed = request.headers["X-Hansei-Signature"]
    expected = hmac.new(
        hook.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert signed == f"sha256={expected}"
    assert signature(hook.secret, timestamp, request.body + b" ") != signed
    assert signature("another secret", timestamp, request.body) != signed

    body = request.json
    assert body["event"] == "published"
    assert body["delivered_at"].endswith("+00:00")
    document = body["postmortem"]
    assert document["id"] == postmortem.pk
    assert document["title"] == postmortem.title
    assert document["url"] == page_of(postmortem)
    assert (document["team"], document["severity"], document["severity_level"]) == (
        "Payments",
        "SEV2",
        2,
    )
    assert (document["revision"], document["incident_duration_minutes"]) == (1, 120)
    sections = postmortem.sections.exclude(body="")
    assert sections and not any(section.body in request.body.decode() for section in sections)


def test_the_readme_verification_snippet_accepts_a_delivery_and_refuses_a_forgery(
    receiver, approved_postmortem, alice
):
    hook = route(receiver, "webhook")
    publish(approved_postmortem, alice)
    [request] = receiver.to("/webhook")
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    snippet = readme.split("refuse old timestamps:\n\n```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # the README's own code, run as written
    is_from_hansei = namespace["is_from_hansei"]

    assert is_from_hansei(hook.secret, request.headers, request.body)
    assert not is_from_hansei(hook.secret, request.headers, request.body.replace(b"1", b"2"))
    assert not is_from_hansei("not the secret", request.headers, request.body)
    stale = {**request.headers, "X-Hansei-Timestamp": "1000000000"}
    assert not is_from_hansei(hook.secret, stale, request.body)


def test_a_transport_that_is_not_installed_fails_its_routes_only(
    receiver, approved_postmortem, alice, monkeypatch
):
    monkeypatch.setitem(deliver.TRANSPORTS, "slack", "hansei.integrations.nowhere.transport")
    slack = route(receiver, "slack", target="C0123ABCD")
    route(receiver, "mattermost")
    publish(approved_postmortem, alice)

    failed = Job.objects.get(kind="integrations.chat", payload__route=slack.pk)
    assert failed.failed and failed.attempts == 1
    assert "the slack transport cannot be loaded" in failed.last_error
    slack.refresh_from_db()
    assert slack.last_error.startswith("the slack transport cannot be loaded")
    assert len(receiver.to("/mattermost")) == 1


def test_a_slack_route_goes_through_the_slack_transport_without_the_signing_key(
    receiver, approved_postmortem, alice, settings
):
    """The generated signing key is no bot token: the Slack transport is given none, so it
    uses the app's, and says so when Slack is not set up."""
    settings.HANSEI_SLACK_BOT_TOKEN = ""
    settings.HANSEI_SLACK_SIGNING_SECRET = ""
    slack = route(receiver, "slack", target="C0123ABCD")
    assert slack.secret and slack.transport_secret == ""
    publish(approved_postmortem, alice)

    job = Job.objects.get(kind="integrations.chat")
    assert (job.failed, job.attempts) == (True, 1)
    slack.refresh_from_db()
    assert slack.last_error.startswith("Slack is not set up")


def test_a_slack_route_with_its_own_bot_token_posts_with_it(
    receiver, approved_postmortem, alice, settings
):
    settings.HANSEI_SLACK_API_URL = receiver.url("/api/")
    route(receiver, "slack", target="C0123ABCD", secret="xoxb-another-workspace")
    ok = b'{"ok": true, "channel": "C0123ABCD", "ts": "1.2"}'
    receiver.answer(200, ok, headers={"Content-Type": "application/json"})
    publish(approved_postmortem, alice)

    [request] = receiver.to("/api/chat.postMessage")
    assert request.headers["Authorization"] == "Bearer xoxb-another-workspace"
    assert Job.objects.get(kind="integrations.chat").finished_at is not None


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_a_server_error_is_tried_again(receiver, approved_postmortem, alice, status):
    route(receiver, "mattermost")
    receiver.answer(status, b"upstream is sad")
    publish(approved_postmortem, alice)

    job = Job.objects.get(kind="integrations.chat")
    assert (job.failed, job.attempts) == (False, 1)
    assert f"HTTP {status}" in job.last_error and "upstream is sad" in job.last_error
