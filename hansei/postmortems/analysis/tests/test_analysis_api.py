"""The structured analysis over the API: impact, factors, 5 whys, linked incidents."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.postmortems.analysis.models import ContributingFactor, PostmortemImpact, WhyChain

pytestmark = pytest.mark.django_db


def test_it_replaces_and_reads_impact_figures(bob: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(bob)
    url = f"/postmortems/{postmortem.pk}/impact"
    assert api.get(url).json()["suggested_user_visible_minutes"] == 50
    response = api.put(
        url,
        {
            "affected_count": 900,
            "affected_unit": "accounts",
            "requests_failed_percent": "3.25",
            "revenue_impact": "120.00",
            "revenue_currency": "jpy",
            "error_budget_percent": 250,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["affected_count"] == 900 and body["revenue_currency"] == "JPY"
    assert float(body["error_budget_percent"]) == 250
    assert PostmortemImpact.objects.get(postmortem=postmortem).affected_unit == "accounts"
    assert float(api.get(url).json()["requests_failed_percent"]) == 3.25


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"requests_failed_percent": 101}, "requests_failed_percent"),
        ({"support_tickets": -1}, "support_tickets"),
        ({"affected_unit": "people"}, "affected_unit"),
        ({"revenue_impact": 5}, "revenue_currency"),
        ({"revenue_impact": 5, "revenue_currency": "euro"}, "revenue_currency"),
        ({"error_budget_percent": 100000}, "error_budget_percent"),
    ],
)
def test_it_refuses_bad_figures_with_the_field(
    alice: Any, make_postmortem: Any, payload: dict[str, Any], field: str
) -> None:
    postmortem = make_postmortem()
    response = ApiClient(alice).put(f"/postmortems/{postmortem.pk}/impact", payload)
    assert_error(response, 400, field)
    assert not PostmortemImpact.objects.filter(postmortem=postmortem).exists()


def test_it_adds_lists_and_removes_factors(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    names = [c["name"] for c in api.get("/factor-categories").json()]
    assert "Change / deploy" in names and "Monitoring gap" in names
    url = f"/postmortems/{postmortem.pk}/contributing-factors"
    created = api.post(url, {"category": "monitoring gap", "description": "No alert on 5xx"})
    assert created.status_code == 201, created.content
    assert created.json()["category"] == "Monitoring gap"
    assert api.post(url, {"description": "Holiday"}).json()["category"] is None
    assert_error(api.post(url, {"category": "Luck", "description": "x"}), 400, "category")
    assert_error(api.post(url, {"description": ""}), 400, "description")
    assert len(api.get(url).json()) == 2
    assert api.delete(f"{url}/{created.json()['id']}").status_code == 204
    assert postmortem.contributing_factors.count() == 1


def test_it_builds_a_why_chain_and_copies_it(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    url = f"/postmortems/{postmortem.pk}/why-chains"
    chain = api.post(url, {"problem": "Checkout failed", "whys": ["Pool exhausted"]})
    assert chain.status_code == 201, chain.content
    chain_url = f"{url}/{chain.json()['id']}"
    added = api.post(f"{chain_url}/whys", {"answer": "Pool size fixed at 20"})
    assert added.status_code == 201 and added.json()["whys"][-1] == "Pool size fixed at 20"
    copied = api.post(f"{chain_url}/copy-to-root-causes")
    assert copied.status_code == 200, copied.content
    assert copied.json()["key"] == "root_causes"
    assert "2. Why? Pool size fixed at 20" in copied.json()["body"]
    edited = api.put(chain_url, {"problem": "Checkout failed", "whys": ["a", "b", "c"]})
    assert edited.json()["whys"] == ["a", "b", "c"]
    assert api.delete(f"{chain_url}/whys/2").json()["whys"] == ["a", "c"]
    assert_error(api.delete(f"{chain_url}/whys/5"), 400)
    assert_error(api.put(chain_url, {"problem": "x", "whys": ["w"] * 8}), 400, "whys")
    assert_error(api.post(url, {"problem": "  "}), 400, "problem")
    assert api.delete(chain_url).status_code == 204
    assert not WhyChain.objects.filter(postmortem=postmortem).exists()


def test_it_links_and_unlinks_incidents(
    alice: Any, make_incident: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    other = make_incident(title="Refunds failed")
    api = ApiClient(alice)
    url = f"/postmortems/{postmortem.pk}/incidents"
    linked = api.post(url, {"incident": other.pk})
    assert linked.status_code == 201, linked.content
    assert [i["title"] for i in linked.json()][-1] == "Refunds failed"
    assert_error(api.post(url, {"incident": other.pk}), 409)
    assert api.get(f"/postmortems/{postmortem.pk}").json()["incidents"][1]["id"] == other.pk
    assert api.delete(f"{url}/{other.pk}").status_code == 200
    [only] = postmortem.incidents.all()
    assert_error(api.delete(f"{url}/{only.pk}"), 409)
    assert_error(api.post(url, {"incident": 99999}), 404)


def test_permissions_hold_for_every_endpoint(
    alice: Any, bob: Any, charlie: Any, rita: Any, make_postmortem: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    base = f"/postmortems/{postmortem.pk}"
    outsider = ApiClient(charlie)
    assert_error(outsider.get(f"{base}/impact"), 404)
    assert_error(outsider.put(f"{base}/impact", {}), 404)
    assert_error(outsider.post(f"{base}/contributing-factors", {"description": "x"}), 404)
    assert_error(outsider.post(f"{base}/why-chains", {"problem": "x"}), 404)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    reviewer = ApiClient(rita)
    assert reviewer.get(f"{base}/why-chains").status_code == 200
    assert_error(reviewer.post(f"{base}/why-chains", {"problem": "x"}), 403)
    assert_error(ApiClient(bob).post(f"{base}/contributing-factors", {"description": "x"}), 409)
    assert not ContributingFactor.objects.exists() and not WhyChain.objects.exists()
