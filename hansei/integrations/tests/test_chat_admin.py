"""The admin pages of chat and webhook routes (admins only): adding one with clear errors for a
wrong target, the delivery status, and "Send a test message" through the real job path."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from hansei.core.jobs import run_pending
from hansei.core.models import AuditEvent, Job
from hansei.integrations.models import ChatRoute
from hansei.integrations.tests.receiver import Receiver

ADD = "/admin/integrations/chatroute/add/"
LIST = "/admin/integrations/chatroute/"


def form(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Incidents channel",
        "kind": "teams",
        "team": "",
        "target": "https://example.webhook.office.com/webhookb2/abc",
        "events": ["published", "amended"],
        "max_severity": "",
        "is_active": "on",
        "secret": "s3cret",
    }
    data.update(values)
    return data


@pytest.fixture
def admin_client(client: Client, ada: Any) -> Client:
    client.force_login(ada)
    return client


def test_an_admin_adds_a_route_and_the_log_keeps_its_url_secret(admin_client, payments):
    page = admin_client.post(ADD, form(team=payments.pk, max_severity="2"))

    assert page.status_code == 302, page.content.decode()[:2000]
    route = ChatRoute.objects.get()
    assert (route.kind, route.team, route.max_severity) == ("teams", payments, 2)
    assert route.events == ["published", "amended"]
    entry = AuditEvent.objects.get(action="chat_route.created")
    assert entry.changes["target"] == {"from": "[secret]", "to": "[secret]"}
    assert "webhookb2" not in str(entry.changes)


def test_a_new_route_gets_a_signing_secret(admin_client):
    page = admin_client.get(ADD)
    assert page.status_code == 200
    [secret] = re.findall(r'name="secret" value="([^"]+)"', page.content.decode())
    assert len(secret) >= 32
    other = re.findall(r'name="secret" value="([^"]+)"', admin_client.get(ADD).content.decode())
    assert other != [secret]


def test_a_new_route_announces_publications_and_amendments_unless_told_otherwise(admin_client):
    html = admin_client.get(ADD).content.decode()
    checked = re.findall(r'<input type="checkbox" name="events" value="(\w+)"[^>]*checked', html)
    assert checked == ["published", "amended"]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"target": "not a url"}, "Enter the incoming-webhook URL"),
        ({"target": "ftp://files.example.com/hook"}, "Enter the incoming-webhook URL"),
        ({"target": "javascript:alert(1)"}, "Enter the incoming-webhook URL"),
        ({"kind": "slack", "target": "https://hooks.slack.com/x"}, "Enter a Slack channel id"),
        ({"kind": "slack", "target": "#incidents"}, "Enter a Slack channel id"),
        ({"kind": "discord", "target": ""}, "This field is required."),
        ({"events": []}, "This field is required."),
        ({"events": ["deleted"]}, "Select a valid choice."),
        ({"events": ["submitted"]}, "choose a team to announce submissions to"),
        ({"max_severity": "0"}, "greater than or equal to 1"),
        ({"kind": "webhook", "secret": ""}, "A webhook needs a secret"),
    ],
)
def test_a_wrong_route_is_refused_with_a_clear_error(admin_client, values, error):
    page = admin_client.post(ADD, form(**values))

    assert page.status_code == 200
    assert error in page.content.decode()
    assert not ChatRoute.objects.exists()


def test_a_slack_channel_id_is_accepted(admin_client):
    page = admin_client.post(ADD, form(kind="slack", target=" C0123ABCD "))
    assert page.status_code == 302
    assert ChatRoute.objects.get().target == "C0123ABCD"


@pytest.mark.parametrize(
    "values",
    [
        {"name": "x" * 100_000},
        {"target": "https://example.com/" + "a" * 100_000},
        {"secret": "s" * 10_000},
        {"max_severity": "99999999999999999999"},
        {"max_severity": "-1"},
        {"max_severity": "one"},
        {"team": "999999"},
        {"team": "payments"},
        {"kind": "irc"},
        {"kind": "slack", "target": "C" + "0" * 5_000},
        {"events": ["published", "x" * 10_000]},
    ],
)
def test_fuzzed_input_gets_form_errors_never_a_server_error(admin_client, values):
    page = admin_client.post(ADD, form(**values))

    assert page.status_code == 200
    assert 'class="errornote"' in page.content.decode()
    assert not ChatRoute.objects.exists()


@pytest.mark.parametrize("values", [{"name": "chat\x00room"}, {"target": "https://x/\x00hook"}])
def test_a_nul_character_is_refused_with_a_clear_error(admin_client, values):
    page = admin_client.post(ADD, form(**values))

    assert page.status_code == 400
    assert "may not contain NUL characters" in page.content.decode()
    assert not ChatRoute.objects.exists()


def test_send_a_test_message_goes_through_the_job_path_and_shows_failures(
    admin_client, receiver: Receiver
):
    works = ChatRoute.objects.create(name="works", kind="webhook", target=receiver.url("/works"))
    broken = ChatRoute.objects.create(
        name="broken", kind="discord", target=receiver.url("/broken"), is_active=False
    )
    receiver.answer(404, b'{"message": "Unknown Webhook", "code": 10015}')

    page = admin_client.post(
        LIST, {"action": "send_test_message", "_selected_action": [broken.pk, works.pk]}
    )
    assert page.status_code == 302
    assert Job.objects.filter(kind="integrations.chat").count() == 2
    run_pending()

    [test] = receiver.to("/works")
    assert test.headers["X-Hansei-Event"] == "test"
    assert test.json["postmortem"] is None
    works.refresh_from_db()
    broken.refresh_from_db()
    assert works.last_delivered_at is not None and not works.is_failing
    assert broken.is_failing
    assert broken.last_error.startswith("HTTP 404 Not Found: ")
    listing = admin_client.get(LIST).content.decode()
    assert "Every team" in listing
    assert "Unknown Webhook" in listing
    assert "Delivered" in listing
    assert AuditEvent.objects.filter(action="chat_route.tested").count() == 2


def test_members_cannot_reach_the_route_admin(client: Client, alice: Any, charlie: Any):
    route = ChatRoute.objects.create(name="r", kind="webhook", target="https://example.com/h")
    for person in (alice, charlie):
        client.force_login(person)
        for address in (LIST, ADD, f"{LIST}{route.pk}/change/"):
            page = client.get(address)
            assert page.status_code == 302 and "/admin/login/" in page["Location"]
        page = client.post(LIST, {"action": "send_test_message", "_selected_action": [route.pk]})
        assert page.status_code == 302 and "/admin/login/" in page["Location"]
    assert not Job.objects.filter(kind="integrations.chat").exists()
