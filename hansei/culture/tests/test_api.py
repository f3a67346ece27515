"""Postmortem of the month and kudos through the API."""

from __future__ import annotations

from datetime import UTC, timedelta
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


@pytest.mark.parametrize(
    "month",
    ["99999999999-01", "9999-12", "0001-01", "2026-00", "2026-1x", "２０２６-01", "2026-01%0A"],
)
def test_a_month_that_is_not_one_is_not_found(month: str, ada: Any, client: Any) -> None:
    api = ApiClient(ada)
    window = {"voting_opens_at": "2030-01-01T00:00:00Z", "voting_closes_at": "2030-01-05T00:00Z"}
    assert_error(api.get(f"/culture/awards/rounds/{month}"), 404)
    assert_error(api.put(f"/culture/awards/rounds/{month}/window", window), 404)
    assert_error(api.delete(f"/culture/awards/rounds/{month}/vote"), 404)
    assert_error(api.get(f"/culture/pack/{month}"), 404)
    client.force_login(ada)  # an admin: the leaders' view is theirs
    assert client.get("/culture/leaders/", {"month": month}).status_code == 404
    year, _dash, number = month.partition("-")
    if year.isascii() and year.isdigit() and number.isdigit():
        for page in ("awards", "pack"):
            assert client.get(f"/culture/{page}/{int(year)}/{int(number)}/").status_code == 404
    assert not AwardRound.objects.exists()


def test_a_voting_window_without_a_time_zone_is_read_as_utc(
    publish: Any, bob: Any, ada: Any
) -> None:
    postmortem = publish()
    ApiClient(bob).post(f"/postmortems/{postmortem.pk}/nominations", {"reason": "Deep."})
    month = AwardRound.objects.get().month.strftime("%Y-%m")
    api = ApiClient(ada)
    opens = (timezone.now() + timedelta(days=40)).replace(microsecond=0, tzinfo=None)
    naive = {
        "voting_opens_at": opens.isoformat(),
        "voting_closes_at": (opens + timedelta(days=4)).isoformat(),
    }
    assert api.put(f"/culture/awards/rounds/{month}/window", naive).status_code == 200
    tokyo = (opens + timedelta(days=5, hours=9)).isoformat() + "+09:00"
    changed = api.put(
        f"/culture/awards/rounds/{month}/window", {**naive, "voting_closes_at": tokyo}
    )
    assert changed.status_code == 200, changed.content
    stored = AwardRound.objects.get()
    assert stored.voting_opens_at == opens.replace(tzinfo=UTC)
    assert stored.voting_closes_at == opens.replace(tzinfo=UTC) + timedelta(days=5)
    for refused in (
        {**naive, "voting_opens_at": "0001-01-01T00:00:00+14:00"},
        {**naive, "voting_closes_at": "9999-12-31T23:59:59-14:00"},
        {**naive, "voting_opens_at": None},
        {**naive, "voting_opens_at": "soon"},
        {**naive, "voting_opens_at": {"nested": "json"}},
    ):
        assert api.put(f"/culture/awards/rounds/{month}/window", refused).status_code in {400, 422}
    assert AwardRound.objects.get().voting_closes_at == stored.voting_closes_at


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
