"""The integrations' admin pages through HTTP: the list, creating and editing with the mapping
row editors, what is refused (and that nothing is saved then), the audit entries (never a
secret), a new address and secret, and the test event, dry and real."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hansei.core.models import AuditEvent
from hansei.incidents.models import Incident, Service
from hansei.integrations.models import Delivery, Integration, Kind

pytestmark = pytest.mark.django_db

LIST = reverse("administration:integrations")
NEW = reverse("administration:integration_new")


@pytest.fixture
def pagerduty(payments: Any, sev: Any, checkout: Any) -> Integration:
    return Integration.objects.create(
        kind=Kind.PAGERDUTY,
        name="PagerDuty for payments",
        team=payments,
        default_severity=sev(3),
        severity_mapping={"P1": 1},
        service_mapping={"API Service": "checkout"},
    )


@pytest.fixture
def admin_client(ada: Any) -> Client:
    client = Client()
    client.force_login(ada)
    return client


def edit_url(integration: Integration) -> str:
    return reverse("administration:integration", args=[integration.pk])


def rows(prefix: str, target: str, pairs: list[tuple[str, str]], **extra: str) -> dict[str, str]:
    """A mapping editor as the page posts it: a count, then each row's value and target."""
    data = {f"{prefix}_rows": str(len(pairs))}
    for index, (value, chosen) in enumerate(pairs):
        data[f"{prefix}-{index}-value"] = value
        data[f"{prefix}-{index}-{target}"] = chosen
    return {**data, **extra}


def form(payments: Any, sev: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Opsgenie for payments",
        "kind": "opsgenie",
        "team": payments.pk,
        "default_severity": sev(3).pk,
        "owner_rule": "team_lead",
        "is_active": "on",
        **rows("severity", "level", []),
        **rows("service", "slug", []),
    }
    data.update(overrides)
    return data


def integration_events() -> Any:
    """The integrations' audit entries (signing in records one of its own)."""
    return AuditEvent.objects.filter(action__startswith="integration.")


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("changes", "detail", "target_name")))


# --- the list ---------------------------------------------------------------------------------


def test_it_lists_integrations_with_the_address_to_paste_and_the_last_delivery(
    admin_client: Client, pagerduty: Integration
) -> None:
    response = admin_client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "PagerDuty for payments" in page and "Payments" in page
    assert f"{settings.BASE_URL}/hooks/pagerduty/{pagerduty.token}/" in page
    assert "<details" in page and pagerduty.secret in page
    assert "Nothing received yet" in page

    Delivery.objects.create(
        integration=pagerduty,
        kind="pagerduty",
        outcome="rejected",
        status_code=401,
        reason="Bad signature or credentials.",
    )
    page = admin_client.get(LIST).content.decode()
    assert "Rejected" in page and "401" in page and "Bad signature or credentials." in page


def test_it_refuses_every_page_and_action_to_a_member_and_signs_in_a_visitor(
    alice: Any, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    client = Client()
    client.force_login(alice)
    for url in (LIST, NEW, edit_url(pagerduty)):
        assert client.get(url).status_code == 403
    assert client.post(NEW, form(payments, sev)).status_code == 403
    assert client.post(edit_url(pagerduty), form(payments, sev, name="Mine")).status_code == 403
    for action in ("integration_test", "integration_rotate"):
        url = reverse(f"administration:{action}", args=[pagerduty.pk])
        assert client.post(url, {"send": "real"}).status_code == 403
    stored = Integration.objects.get()
    assert (stored.name, stored.token, stored.secret) == (
        pagerduty.name,
        pagerduty.token,
        pagerduty.secret,
    )
    assert not Incident.objects.exists() and not integration_events().exists()
    response = Client().get(edit_url(pagerduty))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- creating and editing -----------------------------------------------------------------------


def test_it_creates_an_integration_with_its_rows_saved_as_json(
    admin_client: Client, payments: Any, sev: Any, checkout: Any
) -> None:
    data = form(
        payments,
        sev,
        **rows("severity", "level", [(" P1 ", "1"), ("", ""), ("P2", "2"), ("P5", "4")]),
        **rows("service", "slug", [("checkout-api", "checkout"), ("", "checkout")]),
        **{"severity-3-remove": "on"},
    )
    response = admin_client.post(NEW, data)
    created = Integration.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(created)
    assert created.severity_mapping == {"P1": 1, "P2": 2}
    assert created.service_mapping == {"checkout-api": "checkout"}
    assert (created.kind, created.team, created.owner_rule) == ("opsgenie", payments, "team_lead")
    event = AuditEvent.objects.get(action="integration.created")
    assert event.changes["severity_mapping"] == {"from": None, "to": {"P1": 1, "P2": 2}}
    assert event.changes["secret"] == {"from": "[secret]", "to": "[secret]"}
    assert created.secret not in audit_text() and created.token not in audit_text()


def test_it_edits_the_mappings_and_records_what_changed_without_the_secret(
    admin_client: Client, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    page = admin_client.get(edit_url(pagerduty)).content.decode()
    assert 'name="severity-0-value" value="P1"' in page and "urgency (high, low)" in page
    new_secret = "pagerduty-signing-secret-0123456789abcdef"
    data = form(
        payments,
        sev,
        name="PagerDuty for payments",
        kind="pagerduty",
        secret=new_secret,
        **rows("severity", "level", [("P1", "1"), ("high", "2")]),
        **rows("service", "slug", [("API Service", "checkout")], **{"service-0-remove": "on"}),
    )
    assert admin_client.post(edit_url(pagerduty), data).status_code == 302
    pagerduty.refresh_from_db()
    assert pagerduty.severity_mapping == {"P1": 1, "high": 2}
    assert pagerduty.service_mapping == {}
    assert pagerduty.secret == new_secret
    event = AuditEvent.objects.get(action="integration.changed")
    assert event.changes["severity_mapping"] == {"from": {"P1": 1}, "to": {"P1": 1, "high": 2}}
    assert event.changes["secret"] == {"from": "[secret]", "to": "[secret]"}
    assert "token" not in event.changes and new_secret not in audit_text()


def test_saving_without_a_change_records_nothing(
    admin_client: Client, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    data = form(
        payments,
        sev,
        name=pagerduty.name,
        kind="pagerduty",
        owner_rule="commander",
        **rows("severity", "level", [("P1", "1")]),
        **rows("service", "slug", [("API Service", "checkout")]),
    )
    assert admin_client.post(edit_url(pagerduty), data).status_code == 302
    assert not integration_events().exists()


def assert_refused(response: Any, message: str, integration: Integration | None = None) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    if integration is None:
        assert not Integration.objects.exists()
    else:
        stored = Integration.objects.get(pk=integration.pk)
        assert stored.severity_mapping == integration.severity_mapping
        assert stored.service_mapping == integration.service_mapping
        assert stored.name == integration.name
    assert not integration_events().exists()


def test_it_refuses_a_row_listed_twice_whatever_its_case(
    admin_client: Client, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    data = form(
        payments, sev, name="Renamed", **rows("severity", "level", [("P1", "1"), ("p1", "2")])
    )
    response = admin_client.post(edit_url(pagerduty), data)
    assert_refused(response, "“p1” is listed twice.", pagerduty)
    assert 'value="p1"' in response.content.decode()  # what was typed is kept


def test_it_refuses_an_unknown_severity_level_or_service(
    admin_client: Client, payments: Any, sev: Any
) -> None:
    data = form(payments, sev, **rows("severity", "level", [("P1", "9")]))
    assert_refused(admin_client.post(NEW, data), "“P1”: 9 is not a severity level.")
    data = form(payments, sev, **rows("service", "slug", [("api", "nope")]))
    assert_refused(admin_client.post(NEW, data), "“api”: there is no service “nope”.")
    data = form(payments, sev, **rows("severity", "level", [("P1", "")]))
    assert_refused(admin_client.post(NEW, data), "“P1”: choose a severity.")


def test_it_refuses_huge_values_and_too_many_rows(
    admin_client: Client, payments: Any, sev: Any
) -> None:
    long_value = "P" * 201
    data = form(payments, sev, **rows("severity", "level", [(long_value, "1")]))
    assert_refused(admin_client.post(NEW, data), "is longer than 200 characters.")
    many = [(f"label-{n}", "1") for n in range(201)]
    data = form(payments, sev, **rows("severity", "level", many))
    assert_refused(admin_client.post(NEW, data), "At most 200 rows.")
    data = form(payments, sev, severity_rows="1000000000")
    assert_refused(admin_client.post(NEW, data), "At most 200 rows.")
    data = form(payments, sev, name="x" * 101)
    assert_refused(admin_client.post(NEW, data), "at most 100 characters")


def test_it_refuses_odd_types(admin_client: Client, payments: Any, sev: Any) -> None:
    refusals = {
        "severity_rows": "two",
        "service_rows": "-1",
        "default_severity": "SEV1",
        "team": "999999",
        "kind": "slack",
        "owner_rule": ["nobody"],
        "severity-0-value": "P\x001",
    }
    for field, value in refusals.items():
        extra = {"severity_rows": "1", "severity-0-level": "1"} if "-0-" in field else {}
        response = admin_client.post(NEW, form(payments, sev, **extra, **{field: value}))
        assert response.status_code == 400, field
    assert not Integration.objects.exists() and not integration_events().exists()
    assert admin_client.post(NEW, {}).status_code == 400


def test_it_refuses_a_name_another_integration_has(
    admin_client: Client, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    data = form(payments, sev, name="PagerDuty for payments")
    response = admin_client.post(NEW, data)
    assert_refused(response, "Another integration already has this name.", pagerduty)
    assert Integration.objects.count() == 1


def test_it_refuses_a_short_secret(
    admin_client: Client, pagerduty: Integration, payments: Any, sev: Any
) -> None:
    data = form(payments, sev, name=pagerduty.name, kind="pagerduty", secret="short")
    assert_refused(admin_client.post(edit_url(pagerduty), data), "16 to 200 characters", pagerduty)
    assert Integration.objects.get().secret == pagerduty.secret


# --- a new address and secret ---------------------------------------------------------------


def test_a_new_address_and_secret_replace_the_old_which_then_answers_404(
    admin_client: Client, pagerduty: Integration
) -> None:
    old_url = f"/hooks/pagerduty/{pagerduty.token}/"
    old_token, old_secret = pagerduty.token, pagerduty.secret
    url = reverse("administration:integration_rotate", args=[pagerduty.pk])
    assert admin_client.get(url).status_code == 405  # a POST only
    assert Integration.objects.get().token == old_token
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#address")
    pagerduty.refresh_from_db()
    assert pagerduty.token != old_token and pagerduty.secret != old_secret
    page = admin_client.get(edit_url(pagerduty)).content.decode()
    assert f"/hooks/pagerduty/{pagerduty.token}/" in page and old_token not in page
    assert Client().post(old_url, b"{}", content_type="application/json").status_code == 404
    event = AuditEvent.objects.get(action="integration.rotated")
    assert event.changes == {
        "secret": {"from": "[secret]", "to": "[secret]"},
        "token": {"from": "[secret]", "to": "[secret]"},
    }
    for value in (old_token, old_secret, pagerduty.token, pagerduty.secret):
        assert value not in audit_text()


# --- the test event ---------------------------------------------------------------------------


def run_test(client: Client, integration: Integration, **data: str) -> Any:
    return client.post(reverse("administration:integration_test", args=[integration.pk]), data)


def test_the_dry_run_shows_the_mapped_severity_and_services_and_creates_nothing(
    admin_client: Client, pagerduty: Integration
) -> None:
    response = run_test(admin_client, pagerduty, sample="trigger")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run: what Hansei would do" in page
    assert "A little bump in the road" in page and "Opens a new incident." in page
    assert "SEV1" in page and "from the severity mapping" in page
    assert "“P1” matches the row “P1”" in page and "The sample says: P1, high." in page
    assert "“API Service” → Checkout" in page
    assert "Not in the service mapping: PF9KMXH." in page
    assert not Incident.objects.exists() and not Delivery.objects.exists()
    assert integration_events().get().action == "integration.tested"


def test_the_dry_run_says_when_the_default_severity_is_used(
    admin_client: Client, pagerduty: Integration
) -> None:
    pagerduty.severity_mapping = {"P2": 2}
    pagerduty.save()
    page = run_test(admin_client, pagerduty, sample="resolve").content.decode()
    assert "SEV3" in page and "the default severity" in page
    assert "No row of the severity mapping matches." in page
    assert "If a postmortem is required, Hansei drafts one now" in page
    assert not Incident.objects.exists()


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("sample", ["trigger", "resolve"])
def test_the_dry_run_reads_every_tool_s_documented_samples(
    admin_client: Client, pagerduty: Integration, kind: str, sample: str
) -> None:
    pagerduty.kind = kind
    pagerduty.save()
    page = run_test(admin_client, pagerduty, sample=sample).content.decode()
    assert "Dry run: what Hansei would do" in page and "would refuse" not in page
    assert not Incident.objects.exists()


def test_the_dry_run_refuses_an_unknown_sample(
    admin_client: Client, pagerduty: Integration
) -> None:
    assert run_test(admin_client, pagerduty, sample="everything").status_code == 400
    assert not integration_events().exists()


@pytest.mark.parametrize("kind", Kind.values)
def test_sending_it_for_real_opens_a_test_incident_through_the_intake(
    admin_client: Client, pagerduty: Integration, checkout: Service, kind: str
) -> None:
    pagerduty.kind = kind
    pagerduty.severity_mapping = {"P1": 1, "critical": 1}
    pagerduty.service_mapping = {"API Service": "checkout", "checkout-api": "checkout"}
    pagerduty.save()
    for _time in range(2):  # each one is a new outside incident, not a duplicate
        response = run_test(admin_client, pagerduty, send="real")
    incidents = Incident.objects.order_by("pk")
    assert len(incidents) == 2
    incident = incidents[1]
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert incident.title.startswith("[Test] ") and incident.team == pagerduty.team
    if kind in ("pagerduty", "opsgenie", "alertmanager"):
        assert incident.severity.level == 1
    if kind in ("pagerduty", "opsgenie"):
        assert list(incident.services.all()) == [checkout]
    assert Delivery.objects.filter(outcome="accepted", incident=incident).exists()
    assert AuditEvent.objects.filter(action="integration.test_sent").count() == 2
    page = admin_client.get(response["Location"]).content.decode()
    assert "Sent for real" in page


def test_sending_it_for_real_to_a_turned_off_integration_is_refused(
    admin_client: Client, pagerduty: Integration
) -> None:
    pagerduty.is_active = False
    pagerduty.save()
    response = run_test(admin_client, pagerduty, send="real")
    assert response.status_code == 302 and response["Location"].endswith("#test-event")
    assert not Incident.objects.exists()
    assert Delivery.objects.get().status_code == 410
    page = admin_client.get(response["Location"]).content.decode()
    assert "the intake refused it (410)" in page
