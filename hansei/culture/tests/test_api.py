"""Postmortem of the month and kudos through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.culture.awards.models import AwardRound, Vote
from hansei.culture.kudos.models import Kudos

pytestmark = pytest.mark.django_db


def test_a_round_from_nomination_to_announcement(
    publish: Any, alice: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    from hansei.culture.awards.services import announce_due_rounds

    postmortem = publish()
    bob_api, alice_api = ApiClient(bob), ApiClient(alice)

    created = bob_api.post(f"/postmortems/{postmortem.pk}/nominations", {"reason": "Deep."})
    assert created.status_code == 201, created.content
    nomination = created.json()
    assert (nomination["title"], nomination["votes"]) == ("Checkout outage", None)
    month = AwardRound.objects.get().month.strftime("%Y-%m")
    assert_error(bob_api.put(f"/culture/awards/nominations/{nomination['id']}/vote"), 400)

    now = timezone.now()
    window = {
        "voting_opens_at": (now - timedelta(hours=1)).isoformat(),
        "voting_closes_at": (now + timedelta(hours=1)).isoformat(),
    }
    assert bob_api.put(f"/culture/awards/rounds/{month}/window", window).status_code == 403
    assert ApiClient(ada).put(f"/culture/awards/rounds/{month}/window", window).status_code == 200

    voted = alice_api.put(f"/culture/awards/nominations/{nomination['id']}/vote")
    assert voted.status_code == 200, voted.content
    body = voted.json()
    assert (body["state"], body["voters"], body["my_vote"]) == ("voting", 1, nomination["id"])
    assert body["nominations"][0]["votes"] is None  # no tally while voting
    assert ApiClient(charlie).get(f"/culture/awards/rounds/{month}").json()["my_vote"] is None
    assert alice_api.delete(f"/culture/awards/rounds/{month}/vote").status_code == 204
    assert not Vote.objects.exists()
    alice_api.put(f"/culture/awards/nominations/{nomination['id']}/vote")

    closed = {**window, "voting_closes_at": (now - timedelta(minutes=1)).isoformat()}
    closed["voting_opens_at"] = (now - timedelta(hours=2)).isoformat()
    ApiClient(ada).put(f"/culture/awards/rounds/{month}/window", closed)
    announce_due_rounds()

    [listed] = ApiClient(charlie).get("/culture/awards/rounds").json()
    assert (listed["state"], listed["winner"]) == ("announced", nomination["id"])
    assert listed["nominations"][0]["votes"] == 1


def test_refusals_say_why(publish: Any, make_postmortem: Any, alice: Any, bob: Any) -> None:
    api = ApiClient(bob)
    postmortem = publish()

    assert_error(api.post(f"/postmortems/{postmortem.pk}/nominations", {"reason": ""}), 400)
    assert_error(api.post(f"/postmortems/{postmortem.pk}/nominations", {"reason": "x" * 1001}), 422)
    assert_error(api.post(f"/postmortems/{postmortem.pk}/nominations", {"reason": None}), 422)
    assert_error(api.post(f"/postmortems/{postmortem.pk}/nominations", {"reason": ["a"]}), 422)
    draft = make_postmortem()
    assert api.post(f"/postmortems/{draft.pk}/nominations", {"reason": "Hi"}).status_code == 403
    assert api.get("/culture/awards/rounds/2026-13").status_code == 404
    assert api.get("/culture/awards/rounds/banana").status_code == 404
    assert api.put("/culture/awards/nominations/99999999999999999999/vote").status_code in {
        404,
        422,
    }
    assert not AwardRound.objects.exists()


def test_kudos_through_the_api(publish: Any, alice: Any, bob: Any, charlie: Any) -> None:
    postmortem = publish()
    restricted = publish("Leaked keys", restricted=True)
    api = ApiClient(bob)

    sent = api.post(
        f"/postmortems/{postmortem.pk}/kudos",
        {"receiver": "alice", "kind": "writing", "message": "Clear.", "announce": True},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["receiver"] == "alice" and sent.json()["announced"] is True
    api.post(
        f"/postmortems/{restricted.pk}/kudos",
        {"receiver": "alice", "kind": "writing", "message": "Brave."},
    )

    assert_error(
        api.post(
            f"/postmortems/{postmortem.pk}/kudos",
            {"receiver": "nobody", "kind": "writing", "message": "Hi"},
        ),
        400,
        "receiver",
    )
    assert_error(
        api.post(
            f"/postmortems/{postmortem.pk}/kudos",
            {"receiver": "alice", "kind": "review", "message": "Hi"},
        ),
        400,
        "receiver",
    )
    assert [k["message"] for k in ApiClient(charlie).get("/people/alice/kudos").json()] == [
        "Clear."
    ]
    assert len(ApiClient(alice).get("/people/alice/kudos").json()) == 2
    assert ApiClient(charlie).get(f"/postmortems/{restricted.pk}/kudos").status_code == 404
    assert Kudos.objects.count() == 2
