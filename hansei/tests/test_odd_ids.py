"""Odd ids sent by hand to the pages ("²" is a digit to str.isdigit but not to int; a number
past 64 bits is no row id): each is a 4xx or ignored, never a server error, and nothing is
half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.accounts.models import Membership
from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.incidents.models import Incident
from hansei.postmortems.template_library.models import Template

pytestmark = pytest.mark.django_db
ODD = ["²", "99999999999999999999", "9223372036854775808"]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("odd", ODD)
def test_a_team_form_ignores_odd_members(odd: str, ada: Any, alice: Any, payments: Any) -> None:
    url = reverse("administration:team", args=[payments.pk])
    data = {"name": "Payments", "slug": "payments", "member": [str(alice.pk), odd]}
    answer = _client(ada).post(url, {**data, "lead": [odd]})
    assert answer.status_code in {200, 302, 400}
    assert list(Membership.objects.filter(team=payments).values_list("user", flat=True)) == [
        alice.pk
    ]


@pytest.mark.parametrize("odd", ODD)
def test_bulk_changes_refuse_odd_items(odd: str, alice: Any) -> None:
    answer = _client(alice).post(reverse("action_items:bulk"), {"items": [odd], "status": "done"})
    assert 400 <= answer.status_code < 500 or answer.status_code == 302


@pytest.mark.parametrize("odd", ODD)
def test_comparing_odd_versions_is_a_400(odd: str, alice: Any, make_postmortem: Any) -> None:
    url = reverse("postmortems:version_compare", args=[make_postmortem().pk])
    assert _client(alice).get(url, {"from": odd, "to": "1"}).status_code == 400


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("field", ["services", "responders", "commander", "team", "severity"])
def test_an_incident_with_an_odd_choice_is_a_form_error(
    odd: str, field: str, alice: Any, payments: Any, sev: Any
) -> None:
    data = {
        "title": "Search results empty",
        "severity": sev(3).pk,
        "team": payments.pk,
        "started_at": "2026-11-01T10:00",
        "detection_method": "alert",
        field: odd,
    }
    answer = _client(alice).post(reverse("incidents:new"), data)
    assert answer.status_code == 400
    assert "valid choice" in answer.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize("rows", ["x", "nan", "1e309", "²", "-1"])
def test_a_template_whose_rows_did_not_arrive_whole_is_refused(rows: str, ada: Any) -> None:
    before = Template.objects.count()
    data = {"name": "Fuzzed", "language": "en", "rows": rows, "s0-title": "Summary"}
    answer = _client(ada).post(reverse("postmortems:template_new"), data)
    assert answer.status_code == 400
    assert "did not arrive whole" in answer.content.decode()
    assert Template.objects.count() == before


def test_a_page_past_any_archive_is_a_form_error(alice: Any) -> None:
    answer = _client(alice).get(reverse("search:archive"), {"q": "pool", "page": "9" * 20})
    assert answer.status_code in {200, 400}


def test_a_query_value_too_long_is_refused_at_the_door(alice: Any) -> None:
    body = assert_error(ApiClient(alice).get("/incidents", q="a" * 60_000), 400)
    assert "too long" in body["detail"]
    assert _client(alice).get(reverse("search:archive"), {"q": "a" * 60_000}).status_code == 400


def test_the_api_takes_an_empty_commander_as_none_and_a_huge_severity_as_unknown(
    alice: Any, payments: Any, sev: Any
) -> None:
    sev(3)
    api = ApiClient(alice)
    incident = {
        "title": "Empty results",
        "severity": "3",
        "team": payments.slug,
        "started_at": "2026-11-01T10:00:00Z",
        "commander": "",
    }
    created = api.post("/incidents", incident)
    assert created.status_code == 201, created.content
    assert created.json()["commander"] is None
    assert_error(api.post("/incidents", {**incident, "severity": "A" * 60_000}), 400, "severity")
    assert_error(api.patch(f"/incidents/{created.json()['id']}", {"severity": "²"}), 400)
