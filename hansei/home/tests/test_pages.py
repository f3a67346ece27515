"""The home page shows what needs the signed-in person."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_asks_to_sign_in(client: Any) -> None:
    response = client.get(reverse("home:my_work"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_it_lists_my_postmortems_reviews_items_and_incidents_needing_one(
    client: Any, alice: Any, rita: Any, make_incident: Any, make_postmortem: Any
) -> None:
    from hansei.action_items.services import ActionItemInput, add_action_item
    from hansei.reviews.services import submit_for_review

    needing = make_incident(title="Disk filled on the ledger database")
    owned = make_postmortem()
    add_action_item(
        actor=alice, postmortem=owned, data=ActionItemInput(title="Alert at 80% disk", owner=alice)
    )
    other = make_postmortem(incident=make_incident(title="Queue backlog"))
    submit_for_review(actor=alice, postmortem=other, reviewers=[rita])

    client.force_login(alice)
    page = client.get(reverse("home:my_work")).content.decode()
    assert owned.title in page
    assert "Alert at 80% disk" in page
    assert needing.title in page

    client.force_login(rita)
    page = client.get(reverse("home:my_work")).content.decode()
    assert other.title in page
    assert reverse("reviews:review", args=[other.pk, other.reviews.get().pk]) in page


def test_it_shows_nothing_of_other_teams_on_the_home_page(
    client: Any, charlie: Any, make_incident: Any, make_postmortem: Any
) -> None:
    incident = make_incident(title="Ledger outage")
    make_postmortem(incident=make_incident(title="Refund queue stuck"))
    client.force_login(charlie)
    page = client.get(reverse("home:my_work")).content.decode()
    assert incident.title not in page
    assert "Refund queue stuck" not in page
