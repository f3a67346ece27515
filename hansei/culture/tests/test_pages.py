from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.culture.awards.models import AwardRound, Nomination, Vote
from hansei.culture.awards.services import nominate_postmortem, set_voting_window
from hansei.culture.kudos.models import Kudos
from hansei.culture.kudos.services import give_kudos

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def round_url(award_round: AwardRound, name: str = "culture:round") -> str:
    return reverse(name, args=[award_round.month.year, award_round.month.month])


def voting(nomination: Nomination, ada: Any) -> AwardRound:
    now = timezone.now()
    return set_voting_window(
        actor=ada,
        award_round=nomination.round,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )


def test_it_nominates_from_the_form(publish: Any, bob: Any) -> None:
    postmortem = publish()
    client = signed_in(bob)
    url = reverse("culture:nominate", args=[postmortem.pk])

    assert "Why it deserves it" in client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()

    response = client.post(url, {"reason": "The five whys go deep."})

    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == round_url(nomination.round)
    assert nomination.reason == "The five whys go deep." and nomination.nominated_by == bob
    page = client.get(reverse("culture:programs")).content.decode()
    assert "1 nomination" in page


def test_the_nominate_page_says_why_a_restricted_one_cannot_be(publish: Any, alice: Any) -> None:
    postmortem = publish("Leaked keys", restricted=True)
    client = signed_in(alice)
    url = reverse("culture:nominate", args=[postmortem.pk])

    assert "everyone may read can be nominated" in client.get(url).content.decode()
    assert client.post(url, {"reason": "Still."}).status_code == 403
    assert not Nomination.objects.exists()


def test_it_votes_and_moves_the_vote_from_the_round_page(
    publish: Any, alice: Any, bob: Any, ada: Any
) -> None:
    one = nominate_postmortem(actor=bob, postmortem=publish("One"), reason="Clear.")
    two = nominate_postmortem(actor=bob, postmortem=publish("Two"), reason="Deep.")
    award_round = voting(one, ada)
    client = signed_in(alice)

    page = client.get(round_url(award_round)).content.decode()
    assert "Vote for “One”" in page and "0 people have voted" in page

    fragment = client.post(reverse("culture:vote", args=[one.pk]), **HTMX)
    assert fragment.status_code == 200 and "Your vote" in fragment.content.decode()
    assert "Move my vote to “Two”" in fragment.content.decode()
    plain = client.post(reverse("culture:vote", args=[two.pk]))
    assert plain.status_code == 302
    assert list(Vote.objects.values_list("voter", "nomination")) == [(alice.pk, two.pk)]

    withdrawn = client.post(round_url(award_round, "culture:withdraw_vote"), **HTMX)
    assert withdrawn.status_code == 200 and not Vote.objects.exists()


def test_a_vote_outside_the_window_is_refused_with_a_reason(publish: Any, bob: Any) -> None:
    nomination = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.")

    response = signed_in(bob).post(reverse("culture:vote", args=[nomination.pk]), **HTMX)

    assert response.status_code == 400 and "is not open" in response.content.decode()
    assert not Vote.objects.exists()


def test_admins_move_the_window_and_others_cannot(publish: Any, bob: Any, ada: Any) -> None:
    award_round = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.").round
    url = round_url(award_round, "culture:voting_window")
    opens = timezone.localtime() + timedelta(days=30)
    window = {
        "voting_opens_at": opens.strftime("%Y-%m-%dT09:00"),
        "voting_closes_at": (opens + timedelta(days=2)).strftime("%Y-%m-%dT09:00"),
    }
    before = (opens - timedelta(days=1)).strftime("%Y-%m-%dT09:00")

    assert signed_in(bob).post(url, window).status_code == 403
    wrong = signed_in(ada).post(url, {**window, "voting_closes_at": before})
    assert wrong.status_code == 400 and "close after it opens" in wrong.content.decode()
    assert signed_in(ada).post(url, window).status_code == 302

    award_round.refresh_from_db()
    assert timezone.localtime(award_round.voting_opens_at).date() == opens.date()


def test_a_month_that_is_no_round_is_not_found(bob: Any) -> None:
    client = signed_in(bob)
    assert client.get(reverse("culture:round", args=[2026, 13])).status_code == 404
    assert client.get(reverse("culture:round", args=[2026, 1])).status_code == 404


def test_the_postmortem_panel_thanks_someone(publish: Any, alice: Any, bob: Any) -> None:
    postmortem = publish()
    client = signed_in(bob)
    panel = reverse("culture:postmortem_panel", args=[postmortem.pk])

    loaded = client.get(panel, **HTMX).content.decode()
    assert "Thank someone" in loaded and "Nominate for postmortem of the month" in loaded
    url = reverse("culture:thank", args=[postmortem.pk])
    refused = client.post(url, {"receiver": alice.pk, "kind": "review", "message": "Hi"}, **HTMX)
    assert refused.status_code == 400 and "did not review" in refused.content.decode()

    sent = client.post(
        url, {"receiver": alice.pk, "kind": "writing", "message": "So clear."}, **HTMX
    )

    assert sent.status_code == 200 and "So clear." in sent.content.decode()
    assert Kudos.objects.get().receiver == alice


def test_the_person_page_shows_what_its_reader_may_read(
    publish: Any, alice: Any, bob: Any, charlie: Any
) -> None:
    open_one = publish("Checkout outage")
    hidden = publish("Leaked keys", restricted=True)
    give_kudos(actor=bob, postmortem=open_one, receiver=alice, kind="writing", message="Clear!")
    give_kudos(actor=bob, postmortem=hidden, receiver=alice, kind="writing", message="Brave!")
    url = reverse("people:person", args=["alice"])

    as_bob = signed_in(bob).get(url).content.decode()
    as_charlie = signed_in(charlie).get(url).content.decode()

    assert "Brave!" in as_bob and "Leaked keys" in as_bob
    assert "Clear!" in as_charlie and "Brave!" not in as_charlie and "Leaked keys" not in as_charlie
    assert signed_in(bob).get(reverse("people:person", args=["nobody"])).status_code == 404


def test_the_hall_of_fame_lists_winners(publish: Any, alice: Any, bob: Any, ada: Any) -> None:
    from hansei.culture.awards.services import announce_due_rounds, cast_vote

    nomination = nominate_postmortem(actor=bob, postmortem=publish("Winner"), reason="Clear.")
    voting(nomination, ada)
    cast_vote(actor=alice, nomination=nomination)
    now = timezone.now()
    set_voting_window(
        actor=ada,
        award_round=AwardRound.objects.get(),
        opens_at=now - timedelta(hours=2),
        closes_at=now - timedelta(minutes=1),
    )
    announce_due_rounds()

    page = signed_in(bob).get(reverse("culture:hall_of_fame")).content.decode()
    panel = signed_in(bob).get(
        reverse("culture:postmortem_panel", args=[nomination.postmortem_id]), **HTMX
    )
    assert "Winner" in page and "1 vote" in page
    assert "Postmortem of the month," in panel.content.decode()
