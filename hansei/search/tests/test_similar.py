"""Similar incidents and their unfinished business: the service, the pages, carrying over."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.action_items.models import ActionItem, CarriedItem
from hansei.action_items.services import ActionItemInput, update_action_item
from hansei.postmortems.analysis.models import ContributingFactor, ContributingFactorCategory
from hansei.postmortems.analysis.services import add_contributing_factor
from hansei.search.services import index_postmortem
from hansei.search.similar import profile_of_incident, profile_of_postmortem, similar_postmortems

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pool_world(
    publish: Any, make_postmortem: Any, make_incident: Any, alice: Any, checkout: Any
) -> Any:
    """Two published postmortems (one about the connection pool, one unrelated) and a new
    draft about the connection pool on the same service."""
    capacity = ContributingFactorCategory.objects.get_or_create(name="Capacity")[0]
    earlier = publish(
        "Checkout ran out of database connections",
        "The connection pool of the checkout database was exhausted at peak.",
        actions=["Size the connection pool from load tests", "Alert on pool saturation"],
        services=[checkout],
    )
    # Set up directly: a published postmortem's analysis changes only through an amendment.
    ContributingFactor.objects.create(postmortem=earlier, category=capacity, description="Small")
    index_postmortem(earlier)
    unrelated = publish("Typo in the help page", "A spelling mistake on the help page.")
    draft = make_postmortem(
        title="Checkout connection pool exhausted again",
        incident=make_incident(services=[checkout], title="Pool exhausted"),
    )
    add_contributing_factor(actor=alice, postmortem=draft, category=capacity, description="Again")
    section = draft.sections.get(key="summary")
    section.body = "The database connection pool was exhausted during the sale."
    section.save(update_fields=["body"])
    return {"earlier": earlier, "unrelated": unrelated, "draft": draft, "capacity": capacity}


def test_it_finds_the_similar_earlier_postmortem_and_says_why(pool_world: Any, alice: Any) -> None:
    draft = pool_world["draft"]

    found = similar_postmortems(user=alice, profile=profile_of_postmortem(draft))

    assert [s.postmortem for s in found] == [pool_world["earlier"]]
    [similar] = found
    assert similar.services == ["Checkout"]
    assert similar.factors == ["Capacity"]
    assert {"connection", "pool"} <= {w.lower() for w in similar.words}
    assert similar.same_severity


def test_unfinished_business_is_open_and_wont_do_items_but_not_done_ones(
    pool_world: Any, alice: Any
) -> None:
    size, alert = ActionItem.objects.filter(postmortem=pool_world["earlier"]).order_by("pk")
    update_action_item(
        actor=alice, item=alert, data=ActionItemInput(
            title=alert.title, status="wont_do", wont_do_reason="Too noisy."))  # fmt: skip
    update_action_item(
        actor=alice, item=size, data=ActionItemInput(title=size.title, status="done")
    )

    [similar] = similar_postmortems(user=alice, profile=profile_of_postmortem(pool_world["draft"]))

    assert [item.title for item in similar.unfinished] == ["Alert on pool saturation"]


def test_an_incident_without_a_postmortem_finds_similar_ones(
    pool_world: Any, alice: Any, make_incident: Any, checkout: Any
) -> None:
    incident = make_incident(title="Database connection pool exhausted", services=[checkout])

    found = similar_postmortems(user=alice, profile=profile_of_incident(incident))

    assert found[0].postmortem == pool_world["earlier"]


def test_restricted_and_unpublished_postmortems_are_never_similar(
    publish: Any,
    make_postmortem: Any,
    make_incident: Any,
    alice: Any,
    charlie: Any,
    search_team: Any,
) -> None:
    publish("Kafka consumer lag", "The kafka consumers lagged for hours.", restricted=True)
    make_postmortem(title="Kafka consumer lag draft", incident=make_incident(title="Kafka lag"))
    source = make_incident(actor=charlie, title="Kafka consumers lagging", team=search_team)

    assert similar_postmortems(user=charlie, profile=profile_of_incident(source)) == []
    assert [s.postmortem.title for s in similar_postmortems(
        user=alice, profile=profile_of_incident(source))] == ["Kafka consumer lag"]  # fmt: skip


def test_a_later_postmortem_is_not_similar_to_an_earlier_one(pool_world: Any, alice: Any) -> None:
    later = pool_world["earlier"]
    first = pool_world["unrelated"]

    assert later.published_at < first.published_at
    profile = profile_of_postmortem(later)
    assert all(s.postmortem.published_at < later.published_at for s in similar_postmortems(
        user=alice, profile=profile))  # fmt: skip


# --- pages ------------------------------------------------------------------------------------


def test_the_panel_loads_beside_the_draft_and_on_the_incident(
    client: Client, pool_world: Any, alice: Any
) -> None:
    client.force_login(alice)
    draft = pool_world["draft"]

    page = client.get(f"/postmortems/{draft.pk}/").content.decode()
    incident = client.get(f"/incidents/{draft.incidents.get().pk}/").content.decode()
    panel = client.get(f"/archive/similar/postmortem/{draft.pk}/", **HX)
    full = client.get(f"/archive/similar/postmortem/{draft.pk}/")

    assert f'hx-get="/archive/similar/postmortem/{draft.pk}/"' in page
    assert "/archive/similar/incident/" in incident
    body = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in body
    assert "Checkout ran out of database connections" in body
    assert "Same services: Checkout" in body and "Size the connection pool" in body
    assert "Carry over" in body
    assert "<html" in full.content.decode() and "Similar incidents" in full.content.decode()


def test_carrying_an_item_over_links_it_to_the_draft(
    client: Client, pool_world: Any, alice: Any
) -> None:
    client.force_login(alice)
    draft = pool_world["draft"]
    item = ActionItem.objects.get(title="Size the connection pool from load tests")

    response = client.post(f"/archive/similar/postmortem/{draft.pk}/carry/{item.pk}/", **HX)

    assert response.status_code == 200
    assert CarriedItem.objects.filter(item=item, postmortem=draft).exists()
    assert ActionItem.objects.filter(title=item.title).count() == 1
    assert "Carried over" in response.content.decode()
    again = client.post(f"/archive/similar/postmortem/{draft.pk}/carry/{item.pk}/", **HX)
    assert again.status_code == 409
    assert CarriedItem.objects.filter(item=item).count() == 1


def test_a_wont_do_item_may_be_carried_but_a_done_one_may_not(
    client: Client, pool_world: Any, alice: Any
) -> None:
    client.force_login(alice)
    draft = pool_world["draft"]
    size, alert = ActionItem.objects.filter(postmortem=pool_world["earlier"]).order_by("pk")
    update_action_item(actor=alice, item=alert, data=ActionItemInput(
        title=alert.title, status="wont_do", wont_do_reason="Too noisy."))  # fmt: skip
    update_action_item(
        actor=alice, item=size, data=ActionItemInput(title=size.title, status="done")
    )

    carried = client.post(f"/archive/similar/postmortem/{draft.pk}/carry/{alert.pk}/", **HX)
    refused = client.post(f"/archive/similar/postmortem/{draft.pk}/carry/{size.pk}/", **HX)

    assert carried.status_code == 200
    assert refused.status_code == 409 and "recurrence" in refused.content.decode()
    assert list(CarriedItem.objects.values_list("item", flat=True)) == [alert.pk]


def test_readers_who_may_not_edit_see_no_carry_button_and_cannot_carry(
    client: Client, pool_world: Any, charlie: Any
) -> None:
    client.force_login(charlie)
    earlier = pool_world["earlier"]
    item = ActionItem.objects.filter(postmortem=earlier).first()
    assert item is not None

    draft = pool_world["draft"]
    assert client.get(f"/archive/similar/postmortem/{draft.pk}/", **HX).status_code == 404
    refused = client.post(f"/archive/similar/postmortem/{draft.pk}/carry/{item.pk}/", **HX)
    assert refused.status_code == 404
    assert not CarriedItem.objects.exists()


def test_the_api_gives_similar_postmortems_and_their_unfinished_items(
    pool_world: Any, alice: Any, charlie: Any
) -> None:
    draft = pool_world["draft"]

    similar = ApiClient(alice).get(f"/postmortems/{draft.pk}/similar").json()
    by_incident = ApiClient(alice).get(f"/incidents/{draft.incidents.get().pk}/similar").json()

    assert [s["postmortem_id"] for s in similar] == [pool_world["earlier"].pk]
    assert similar[0]["services"] == ["Checkout"] and similar[0]["factors"] == ["Capacity"]
    assert 0 < similar[0]["score"] <= 1
    assert sorted(i["title"] for i in similar[0]["unfinished"]) == [
        "Alert on pool saturation",
        "Size the connection pool from load tests",
    ]
    assert not any(i["carried"] for i in similar[0]["unfinished"])
    assert by_incident == similar
    assert_error(ApiClient(charlie).get(f"/postmortems/{draft.pk}/similar"), 404)
