"""Impact figures, contributing factors, 5 whys and linked incidents: services and pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hansei.core.errors import InvalidState
from hansei.postmortems.analysis import services as analysis
from hansei.postmortems.analysis.models import (
    ContributingFactor,
    ContributingFactorCategory,
    PostmortemImpact,
    WhyChain,
)
from hansei.postmortems.analysis.queries import suggested_user_visible_minutes
from hansei.postmortems.analysis.services import ImpactInput
from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown
from hansei.postmortems.template_library.models import Template

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, *args: Any) -> str:
    return reverse(f"postmortems:{name}", args=args)


def _category(name: str = "Capacity") -> ContributingFactorCategory:
    return ContributingFactorCategory.objects.get(name=name)


# --- impact -------------------------------------------------------------------------------


def test_it_saves_impact_figures_from_the_page(client: Any, bob: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    client.force_login(bob)
    response = client.post(
        _url("impact", postmortem.pk),
        {
            "affected_count": "12000",
            "affected_unit": "accounts",
            "requests_failed_percent": "12.5",
            "user_visible_minutes": "50",
            "support_tickets": "31",
            "revenue_impact": "4200.50",
            "revenue_currency": "eur",
            "error_budget_percent": "140",
            "notes": "From the load balancer logs.",
        },
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "12,000" in html and "12.5 %" in html and "140 %" in html and "EUR" in html
    impact = PostmortemImpact.objects.get(postmortem=postmortem)
    assert impact.affected_count == 12000 and impact.affected_unit == "accounts"
    assert impact.requests_failed_percent == Decimal("12.5")
    assert impact.revenue_currency == "EUR" and impact.updated_by == bob
    assert impact.error_budget_percent == Decimal("140")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requests_failed_percent", "100.5"),
        ("requests_failed_percent", "-1"),
        ("support_tickets", "-3"),
        ("user_visible_minutes", "ten"),
        ("error_budget_percent", "-0.5"),
        ("revenue_currency", "EURO"),
        ("revenue_currency", "E1R"),
    ],
)
def test_it_refuses_bad_impact_figures_and_saves_nothing(
    client: Any, alice: Any, make_postmortem: Any, field: str, value: str
) -> None:
    postmortem = make_postmortem()
    analysis.update_impact(actor=alice, postmortem=postmortem, data=ImpactInput(support_tickets=4))
    client.force_login(alice)
    data = {"affected_unit": "users", "support_tickets": "9", field: value}
    if field == "revenue_currency":
        data["revenue_impact"] = "10"
    response = client.post(_url("impact", postmortem.pk), data, **HX)
    assert response.status_code == 400
    assert f'id="impact_{field}_errors"' in response.content.decode()
    assert PostmortemImpact.objects.get(postmortem=postmortem).support_tickets == 4


def test_it_needs_a_currency_for_revenue(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    with pytest.raises(ValidationError) as error:
        analysis.update_impact(
            actor=alice, postmortem=postmortem, data=ImpactInput(revenue_impact=Decimal(5))
        )
    assert "revenue_currency" in error.value.message_dict
    assert not PostmortemImpact.objects.filter(postmortem=postmortem).exists()


def test_a_failed_save_without_htmx_shows_the_page_with_errors(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    response = client.post(
        _url("impact", postmortem.pk), {"affected_unit": "users", "support_tickets": "-1"}
    )
    assert response.status_code == 400
    assert "Impact in numbers" in response.content.decode()
    assert 'id="impact_support_tickets_errors"' in response.content.decode()


def test_it_prefills_user_visible_minutes_from_the_incident(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()  # the incident recorded 50 minutes of downtime
    client.force_login(alice)
    html = client.get(_url("detail", postmortem.pk)).content.decode()
    assert 'name="user_visible_minutes" value="50"' in html
    assert suggested_user_visible_minutes(postmortem) == 50


def test_only_the_team_changes_impact_and_only_in_draft(
    client: Any, charlie: Any, rita: Any, make_postmortem: Any, published_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(charlie)
    assert client.post(_url("impact", postmortem.pk), {"affected_unit": "users"}).status_code == 404
    with pytest.raises(PermissionDenied):
        analysis.update_impact(actor=rita, postmortem=postmortem, data=ImpactInput())
    with pytest.raises(InvalidState, match="amendment"):
        analysis.update_impact(
            actor=published_postmortem.owner, postmortem=published_postmortem, data=ImpactInput()
        )


# --- contributing factors -----------------------------------------------------------------


def test_it_adds_and_removes_contributing_factors_grouped_by_category(
    client: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(bob)
    add = _url("factor_add", postmortem.pk)
    capacity = _category("Capacity")
    response = client.post(add, {"category": capacity.pk, "description": "Pool of 20"}, **HX)
    assert response.status_code == 200
    response = client.post(add, {"category": "", "description": "A holiday weekend"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Capacity") < html.index("Pool of 20") < html.index("Other")
    factor = ContributingFactor.objects.get(description="Pool of 20")
    assert factor.category == capacity and factor.created_by == bob
    remove = _url("factor_delete", postmortem.pk, factor.pk)
    assert f'hx-post="{remove}"' in html  # each factor has its remove button while editing
    response = client.post(remove, **HX)
    assert response.status_code == 200
    assert list(postmortem.contributing_factors.values_list("description", flat=True)) == [
        "A holiday weekend"
    ]


def test_it_refuses_an_empty_factor_or_a_retired_category(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    retired = ContributingFactorCategory.objects.create(name="Old", is_active=False)
    client.force_login(alice)
    response = client.post(_url("factor_add", postmortem.pk), {"description": "  "}, **HX)
    assert response.status_code == 400
    assert 'id="factor_description_errors"' in response.content.decode()
    with pytest.raises(ValidationError):
        analysis.add_contributing_factor(
            actor=alice, postmortem=postmortem, category=retired, description="x"
        )
    assert not postmortem.contributing_factors.exists()


def test_other_teams_cannot_touch_factors(
    client: Any, alice: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    factor = analysis.add_contributing_factor(
        actor=alice, postmortem=postmortem, category=None, description="x"
    )
    client.force_login(charlie)
    assert client.post(_url("factor_delete", postmortem.pk, factor.pk)).status_code == 404
    with pytest.raises(PermissionDenied):
        analysis.remove_contributing_factor(actor=charlie, factor=factor)
    assert ContributingFactor.objects.filter(pk=factor.pk).exists()


# --- 5 whys -------------------------------------------------------------------------------


def test_it_builds_a_why_chain_and_copies_it_into_root_causes(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem(complete=False)
    client.force_login(alice)
    response = client.post(_url("chain_start", postmortem.pk), {"problem": "Cards declined"}, **HX)
    assert response.status_code == 200
    chain = WhyChain.objects.get(postmortem=postmortem)
    for answer in ["The gateway rejected them", "Its config was invalid", "Nothing validated it"]:
        response = client.post(_url("why_add", postmortem.pk, chain.pk), {"answer": answer}, **HX)
        assert response.status_code == 200
    chain.refresh_from_db()
    assert chain.whys[2] == "Nothing validated it"
    html = response.content.decode()
    assert html.index("The gateway rejected") < html.index("Nothing validated it")

    response = client.post(_url("chain_copy", postmortem.pk, chain.pk), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="section-root_causes"' in html and 'hx-swap-oob="true"' in html
    body = postmortem.sections.get(key="root_causes").body
    assert body.startswith("**5 whys:** Cards declined\n\n1. Why? The gateway rejected them")
    assert "3. Why? Nothing validated it" in body
    client.post(_url("chain_copy", postmortem.pk, chain.pk), **HX)  # copying twice: once
    assert postmortem.sections.get(key="root_causes").body == body


def test_it_edits_and_removes_whys(client: Any, alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    chain = analysis.start_why_chain(
        actor=alice, postmortem=postmortem, problem="Slow", whys=["a", "b", "c"]
    )
    client.force_login(alice)
    response = client.post(_url("why_remove", postmortem.pk, chain.pk, 1), **HX)
    assert response.status_code == 200
    chain.refresh_from_db()
    assert chain.whys == ["a", "c"]
    edit = _url("chain_edit", postmortem.pk, chain.pk)
    response = client.post(edit, {"problem": "Very slow", "why": ["a2", "", "c"]}, **HX)
    assert response.status_code == 200
    chain.refresh_from_db()
    assert (chain.problem, chain.whys) == ("Very slow", ["a2", "c"])
    assert client.post(edit, {"problem": " ", "why": ["x"]}, **HX).status_code == 400
    chain.refresh_from_db()
    assert chain.problem == "Very slow"
    assert client.post(_url("why_remove", postmortem.pk, chain.pk, 9), **HX).status_code == 400
    assert client.post(_url("chain_delete", postmortem.pk, chain.pk), **HX).status_code == 200
    assert not WhyChain.objects.filter(pk=chain.pk).exists()


def test_a_chain_stops_at_seven_whys(client: Any, alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    chain = analysis.start_why_chain(
        actor=alice, postmortem=postmortem, problem="P", whys=[str(n) for n in range(7)]
    )
    client.force_login(alice)
    response = client.post(_url("why_add", postmortem.pk, chain.pk), {"answer": "8th"}, **HX)
    assert response.status_code == 400
    assert "at most 7" in response.content.decode()
    chain.refresh_from_db()
    assert len(chain.whys) == 7
    with pytest.raises(ValidationError):
        analysis.start_why_chain(actor=alice, postmortem=postmortem, problem="P", whys=["x"] * 8)


def test_copying_needs_an_answer_and_a_root_causes_section(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    chain = analysis.start_why_chain(actor=alice, postmortem=postmortem, problem="P")
    client.force_login(alice)
    response = client.post(_url("chain_copy", postmortem.pk, chain.pk), **HX)
    assert response.status_code == 400 and response["HX-Retarget"] == "#why-chains"
    postmortem.sections.filter(key="root_causes").delete()
    analysis.add_why(actor=alice, chain=chain, answer="because")
    with pytest.raises(InvalidState):
        analysis.copy_why_chain_to_root_causes(actor=alice, chain=chain)


def test_reviewers_and_other_teams_cannot_change_chains(
    client: Any, alice: Any, charlie: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    chain = analysis.start_why_chain(actor=alice, postmortem=postmortem, problem="P")
    with pytest.raises(PermissionDenied):
        analysis.add_why(actor=rita, chain=chain, answer="x")
    client.force_login(charlie)
    response = client.post(_url("why_add", postmortem.pk, chain.pk), {"answer": "x"})
    assert response.status_code == 404
    chain.refresh_from_db()
    assert chain.whys == []


# --- the page, the snapshot, the templates -------------------------------------------------


def test_the_page_explains_metrics_and_keeps_trigger_and_root_causes_apart(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    html = client.get(_url("detail", postmortem.pk)).content.decode()
    assert "How these are measured" in html and "acknowledged − detected" in html
    assert "Keep the trigger and the root causes apart." in html
    assert 'id="why-chains"' in html and 'id="factors"' in html and 'id="impact-figures"' in html


def test_published_revisions_freeze_the_analysis(
    client: Any, alice: Any, approved_postmortem: Any
) -> None:
    from hansei.postmortems.document.services import publish_postmortem

    pm = approved_postmortem
    # Written while it was a draft; a snapshot copies what is there at publication.
    PostmortemImpact.objects.create(
        postmortem=pm, support_tickets=7, revenue_impact=Decimal("9.5"), revenue_currency="USD"
    )
    ContributingFactor.objects.create(
        postmortem=pm, category=_category("Tooling"), description="No dry run"
    )
    WhyChain.objects.create(postmortem=pm, problem="Outage", whys=["Bad config"])
    revision = publish_postmortem(actor=alice, postmortem=pm)
    data = revision.snapshot
    assert data["impact"]["support_tickets"] == 7 and data["impact"]["revenue_impact"] == 9.5
    [factor] = data["contributing_factors"]
    assert (factor["category"], factor["description"]) == ("Tooling", "No dry run")
    [chain] = data["why_chains"]
    assert (chain["problem"], chain["whys"]) == ("Outage", ["Bad config"])
    WhyChain.objects.filter(postmortem=pm).update(problem="Changed later")
    markdown = snapshot_to_markdown(revision.snapshot)
    assert "- Support tickets: 7" in markdown and "- Revenue impact: 9.5 USD" in markdown
    assert "### 5 whys: Outage" in markdown and "1. Why? Bad config" in markdown
    assert "- **Tooling**" in markdown and "  - No dry run" in markdown
    html = client.get(_url("revision", pm.pk, 1))
    client.force_login(alice)
    html = client.get(_url("revision", pm.pk, 1)).content.decode()
    assert "No dry run" in html and "Bad config" in html and "Changed later" not in html
    assert build_snapshot(pm)["why_chains"][0]["problem"] == "Changed later"


def test_the_builtin_templates_ask_what_surprised_us(builtin_data: None) -> None:
    sre = Template.objects.get(name="SRE book")
    keys = list(sre.sections.values_list("key", flat=True))
    assert keys.index("got_lucky") + 1 == keys.index("surprised")
    japanese = Template.objects.get(language="ja")
    assert japanese.sections.filter(key="souteigai", title="想定外だったこと").exists()
    assert ContributingFactorCategory.objects.filter(name="Monitoring gap").exists()


def test_admins_edit_the_factor_taxonomy_in_the_admin(client: Any, ada: Any, bob: Any) -> None:
    url = reverse("admin:postmortems_contributingfactorcategory_changelist")
    client.force_login(bob)
    assert client.get(url).status_code == 302  # to the admin's sign-in: not for members
    client.force_login(ada)
    response = client.get(url)
    assert response.status_code == 200
    assert "Monitoring gap" in response.content.decode()
    add = reverse("admin:postmortems_contributingfactorcategory_add")
    response = client.post(add, {"name": "Security", "position": 9, "is_active": "on"})
    assert response.status_code == 302
    assert ContributingFactorCategory.objects.get(name="Security").is_active
