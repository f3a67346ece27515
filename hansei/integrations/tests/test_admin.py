"""The admin pages for integrations and the delivery log (admins only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hansei.integrations.models import Delivery, Integration


@pytest.fixture
def integration(payments: Any, sev: Any) -> Integration:
    return Integration.objects.create(
        kind="pagerduty", name="PagerDuty", team=payments, default_severity=sev(3)
    )


def test_it_shows_the_url_and_secret_to_paste_into_the_sending_tool(
    client: Client, ada: Any, integration: Integration
) -> None:
    client.force_login(ada)
    page = client.get(f"/admin/integrations/integration/{integration.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/hooks/pagerduty/{integration.token}/" in html
    assert integration.secret in html


def test_it_refuses_a_severity_mapping_to_a_level_that_does_not_exist(
    client: Client, ada: Any, integration: Integration, payments: Any, sev: Any
) -> None:
    client.force_login(ada)
    page = client.post(
        "/admin/integrations/integration/add/",
        {
            "name": "Alertmanager",
            "kind": "alertmanager",
            "team": payments.pk,
            "is_active": "on",
            "token": "am-token",
            "secret": "s3cret",
            "default_severity": sev(3).pk,
            "severity_mapping": '{"critical": 9}',
            "service_mapping": "{}",
            "owner_rule": "team_lead",
        },
    )
    assert page.status_code == 200
    assert "is not a severity level" in page.content.decode()
    assert not Integration.objects.filter(name="Alertmanager").exists()


def test_it_lists_deliveries_read_only_and_finds_them_by_reason(
    client: Client, ada: Any, integration: Integration
) -> None:
    Delivery.objects.create(
        integration=integration,
        kind="pagerduty",
        outcome="rejected",
        status_code=401,
        reason="Bad signature or credentials.",
    )
    client.force_login(ada)
    found = client.get("/admin/integrations/delivery/", {"q": "signature", "outcome": "rejected"})
    assert found.status_code == 200
    assert "Bad signature or credentials." in found.content.decode()
    assert client.get("/admin/integrations/delivery/add/").status_code == 403


def test_it_keeps_members_out_of_the_integration_admin(
    client: Client, alice: Any, integration: Integration
) -> None:
    client.force_login(alice)
    page = client.get(f"/admin/integrations/integration/{integration.pk}/change/")
    assert page.status_code == 302
    assert "/admin/login/" in page["Location"]
