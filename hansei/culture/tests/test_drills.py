"""Wheel of Misfortune: a drill written from a published postmortem (names replaced by
roles, an opening with symptoms only, the key events as cards), run by its game master
alone, played without spoilers, kept out of incident figures."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei import access
from hansei.core.errors import InvalidState
from hansei.culture.drills import queries
from hansei.culture.drills.models import DrillCard, DrillPlayer, DrillStatus
from hansei.culture.drills.services import (
    create_drill,
    finish_drill,
    join_drill,
    remove_card,
    remove_question,
    reveal_card,
    save_card,
    save_debrief,
    save_opening,
    save_question,
    set_clock,
    set_phase,
    spin_the_wheel,
    start_drill,
)
from hansei.culture.tests.drill_story import ROOT
from hansei.incidents.models import Incident
from hansei.notifications.models import Notification, NotificationKind
from hansei.postmortems.timeline.services import add_timeline_entry

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_scenario_replaces_names_by_roles_and_opens_with_symptoms(
    story: Any, alice: Any, rita: Any
) -> None:
    drill = create_drill(actor=rita, postmortem=story, game_master=rita)

    assert drill.title == "Drill: Checkout outage"
    assert drill.opening == "PagerDuty alerted the incident commander: checkout error rate at 40%."
    cards = list(drill.cards.values_list("phase", "offset_minutes", "text"))
    assert cards == [
        ("detection", 5, "The incident commander paged responder 2 from the database team."),
        ("diagnosis", 20, "Responder 2 saw the connection pool at 0 on every node."),
        ("diagnosis", 40, "Responder 1 rolled back the config push."),
        ("mitigation", 70, "Error rate back to normal."),
    ]
    reveals = list(drill.cards.values_list("reveals", flat=True))
    assert (
        reveals[0].startswith("The players decide to page") and "propose this action" in reveals[2]
    )
    key = {part["title"]: part["body"] for part in drill.answer_key}
    assert "A config push by the incident commander set the pool size to 0." in key.values()
    assert ROOT in key.values()
    assert {q.phase for q in drill.questions.all()} == {"detection", "diagnosis", "mitigation"}
    for text in (drill.opening, *(c[2] for c in cards), *key.values()):
        assert "Bob" not in text and "Charlie" not in text and "alice" not in text.lower()


def test_the_responders_are_asked_to_help_run_it(
    story: Any, alice: Any, bob: Any, charlie: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)

    told = Notification.objects.filter(kind=NotificationKind.DRILL)
    assert {n.recipient.username for n in told} == {"bob", "charlie"}  # not Alice who made it
    assert all(n.url == f"/culture/drills/{drill.pk}/" for n in told)
    assert (
        told.first().text
        == "Alice made a drill of “Checkout outage”: help run it, you know the story"
    )


def test_only_a_published_postmortem_with_a_timeline_makes_a_drill(
    make_postmortem: Any, publish: Any, alice: Any, rita: Any, charlie: Any
) -> None:
    draft = make_postmortem(title="Draft")
    with pytest.raises(PermissionDenied):
        create_drill(actor=alice, postmortem=draft, game_master=alice)
    bare = publish("No timeline")
    with pytest.raises(ValidationError, match="timeline of two entries"):
        create_drill(actor=alice, postmortem=bare, game_master=alice)
    restricted = publish("Restricted", restricted=True)
    with pytest.raises(PermissionDenied):
        create_drill(actor=charlie, postmortem=restricted, game_master=charlie)


def test_the_game_master_must_read_the_postmortem_and_the_time_be_sensible(
    story: Any, alice: Any, charlie: Any
) -> None:
    type(story).objects.filter(pk=story.pk).update(restricted=True)
    story.refresh_from_db()
    with pytest.raises(ValidationError, match="may read the postmortem"):
        create_drill(actor=alice, postmortem=story, game_master=charlie)
    for minutes in (5, 241, 10**12):
        with pytest.raises(ValidationError, match="Between 10 and 240"):
            create_drill(actor=alice, postmortem=story, game_master=alice, time_limit=minutes)


def test_players_see_no_card_before_it_is_revealed(
    story: Any, alice: Any, bob: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    first, second = list(drill.cards.all())[:2]
    bob_client, rita_client = signed_in(bob), signed_in(rita)
    board = reverse("culture:drill_board", args=[drill.pk])
    page = reverse("culture:drill", args=[drill.pk])

    for url in (page, board):
        html = bob_client.get(url).content.decode()
        assert "PagerDuty alerted" not in html  # not even the opening before the start
        assert first.text not in html and "pool size" not in html and "Reveal when" not in html
    assert bob_client.get(reverse("culture:drill_master", args=[drill.pk])).status_code == 403
    assert bob_client.get(reverse("culture:drill_master_board", args=[drill.pk])).status_code == 403
    assert bob_client.post(reverse("culture:start_drill", args=[drill.pk])).status_code == 403
    assert bob_client.post(reverse("culture:reveal_card", args=[first.pk])).status_code == 403
    master = rita_client.get(reverse("culture:drill_master", args=[drill.pk])).content.decode()
    assert first.text in master and "pool size to 0" in master

    start_drill(actor=rita, drill=drill)
    reveal_card(actor=rita, card=first)

    html = bob_client.get(board).content.decode()
    assert "PagerDuty alerted the incident commander" in html and first.text in html
    assert second.text not in html and "pool size" not in html
    assert "3 cards still hidden" in html
    assert [c.pk for c in queries.visible_cards(bob, drill)] == [first.pk]
    assert queries.visible_cards(rita, drill).count() == 4


def test_only_the_game_master_runs_the_drill(
    story: Any, alice: Any, bob: Any, rita: Any, ada: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    card = drill.cards.first()

    with pytest.raises(InvalidState, match="not running"):
        reveal_card(actor=rita, card=card)
    with pytest.raises(InvalidState, match="start it first"):
        save_debrief(actor=rita, drill=drill, debrief="Early")
    for actor in (alice, bob, ada):  # not the writer, not a player, not even an admin
        with pytest.raises(PermissionDenied):
            start_drill(actor=actor, drill=drill)
    start_drill(actor=rita, drill=drill)
    with pytest.raises(InvalidState, match="started already"):
        start_drill(actor=rita, drill=drill)
    set_phase(actor=rita, drill=drill, phase="diagnosis")
    with pytest.raises(ValidationError, match="Detection, diagnosis or mitigation"):
        set_phase(actor=rita, drill=drill, phase="panic")
    reveal_card(actor=rita, card=card)
    reveal_card(actor=rita, card=card, revealed=False)
    card.refresh_from_db()
    assert card.revealed_at is None
    finish_drill(actor=rita, drill=drill)
    save_debrief(actor=rita, drill=drill, debrief="  Nobody checked the **pool** metrics.  ")

    drill.refresh_from_db()
    assert (drill.status, drill.phase) == (DrillStatus.FINISHED, "diagnosis")
    assert drill.debrief == "Nobody checked the **pool** metrics." and drill.debrief_by == rita
    with pytest.raises(InvalidState, match="over"):
        join_drill(actor=bob, drill=drill)
    html = signed_in(bob).get(reverse("culture:drill", args=[drill.pk])).content.decode()
    assert "<strong>pool</strong>" in html


def test_the_game_master_pauses_the_clock_and_gives_more_time(
    story: Any, alice: Any, bob: Any, rita: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def later(minutes: int) -> None:
        now[0] += timedelta(minutes=minutes)

    def left() -> int | None:
        drill.refresh_from_db()
        return drill.seconds_left

    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    with pytest.raises(InvalidState, match="once the drill has started"):
        set_clock(actor=rita, drill=drill, paused=True)
    set_clock(actor=rita, drill=drill, time_limit=30)  # before the start too
    assert left() is None
    started = start_drill(actor=rita, drill=drill).started_at
    later(10)
    assert left() == 20 * 60

    set_clock(actor=rita, drill=drill, paused=True)
    later(7)
    assert left() == 20 * 60  # stands still
    paused_at = drill.paused_at
    set_clock(actor=rita, drill=drill, paused=True)  # pausing again changes nothing
    assert (left(), drill.paused_at) == (20 * 60, paused_at)
    board = signed_in(bob).get(reverse("culture:drill_board", args=[drill.pk])).content.decode()
    assert 'data-left="1200" data-paused' in board and "Clock paused" in board

    set_clock(actor=rita, drill=drill, paused=False)
    later(5)
    assert left() == 15 * 60 and drill.paused_seconds == 7 * 60
    assert drill.ends_at == started + timedelta(minutes=30 + 7)
    set_clock(actor=rita, drill=drill, time_limit=35)
    assert left() == 20 * 60
    later(40)
    assert left() == -20 * 60  # over: the timer shows how far

    set_clock(actor=rita, drill=drill, paused=True)
    later(3)
    finish_drill(actor=rita, drill=drill)
    later(60)
    assert left() == -20 * 60 and drill.paused_at is None and drill.paused_seconds == 10 * 60

    with pytest.raises(InvalidState, match="over"):
        set_clock(actor=rita, drill=drill, time_limit=60)


def test_the_clock_is_the_game_masters_and_its_limit_sensible(
    story: Any, alice: Any, bob: Any, rita: Any, ada: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    start_drill(actor=rita, drill=drill)
    for actor in (alice, bob, ada):
        with pytest.raises(PermissionDenied):
            set_clock(actor=actor, drill=drill, paused=True)
    for minutes in (9, 241, 10**12, -45, True, "45", 45.0):
        with pytest.raises(ValidationError, match="Between 10 and 240"):
            set_clock(actor=rita, drill=drill, time_limit=minutes)  # type: ignore[arg-type]
    drill.refresh_from_db()
    assert (drill.time_limit, drill.paused_at) == (45, None)

    client = signed_in(rita)
    url = reverse("culture:drill_clock", args=[drill.pk])
    refused = client.post(url, {"time_limit": "soon"}, follow=True)
    assert "Enter a whole number." in refused.content.decode()
    assert client.post(url, {"time_limit": "250"}).status_code == 302
    assert client.post(url, {"paused": "1", "time_limit": "50"}).status_code == 302
    drill.refresh_from_db()
    assert drill.time_limit == 50 and drill.paused_at is not None
    page = client.get(reverse("culture:drill_master", args=[drill.pk])).content.decode()
    assert "Resume the clock" in page and 'value="55"' in page
    assert signed_in(bob).post(url, {"paused": "0"}).status_code == 403
    client.post(url, {"paused": "0"})
    drill.refresh_from_db()
    assert drill.paused_at is None


def test_the_game_master_corrects_the_opening_and_the_cards(
    story: Any, alice: Any, bob: Any, rita: Any, ada: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    first = drill.cards.first()

    save_opening(actor=rita, drill=drill, opening="  Checkout errors climb to 40%.  ")
    moved = save_card(
        actor=rita,
        drill=drill,
        card=first,
        phase="mitigation",
        offset_minutes=90,
        text="The on-call asks the database team for help.",
        reveals="The players page the database team.",
    )
    added = save_card(
        actor=rita,
        drill=drill,
        phase="detection",
        offset_minutes=-3,
        text="A deploy finished three minutes before the first alert.",
        reveals="The players look at recent deploys.",
    )

    drill.refresh_from_db()
    assert drill.opening == "Checkout errors climb to 40%."
    cards = list(drill.cards.values_list("pk", "phase", "offset_minutes"))
    # By phase, then time: the new card first, the moved one last.
    assert cards[0] == (added.pk, "detection", -3) and cards[-1] == (moved.pk, "mitigation", 90)
    assert [c.position for c in drill.cards.all()] == [1, 2, 3, 4, 5]
    moved.refresh_from_db()
    assert (added.position, moved.position) == (1, 5)
    assert added.pk not in [c.pk for c in queries.visible_cards(bob, drill)]  # still hidden

    remove_card(actor=rita, card=moved)
    assert drill.cards.count() == 4 and not DrillCard.objects.filter(pk=moved.pk).exists()
    for actor in (alice, bob, ada):  # the writer, a player, an admin: not theirs
        with pytest.raises(PermissionDenied):
            save_opening(actor=actor, drill=drill, opening="Spoiled")
        with pytest.raises(PermissionDenied):
            remove_card(actor=actor, card=added)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"text": "  "}, "Write what the players learn"),
        ({"text": "x" * 2001}, "At most 2000"),
        ({"reveals": ""}, "Say what the players must do"),
        ({"reveals": "x" * 501}, "At most 500"),
        ({"phase": "panic"}, "Choose the phase"),
        ({"offset_minutes": 10**9}, "At most 10080 minutes"),
        ({"offset_minutes": "ten"}, "At most 10080 minutes"),
    ],
)
def test_a_card_needs_a_text_a_clue_a_phase_and_a_sensible_time(
    story: Any, alice: Any, rita: Any, change: dict[str, Any], error: str
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    card = drill.cards.first()
    fields = {"phase": "detection", "offset_minutes": 5, "text": "Seen.", "reveals": "Look."}

    with pytest.raises(ValidationError, match=error):
        save_card(actor=rita, drill=drill, card=card, **{**fields, **change})
    card.refresh_from_db()
    assert card.text != "Seen."  # nothing half-written


def test_the_game_master_asks_the_questions_of_their_choice(
    story: Any, alice: Any, bob: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    first = drill.questions.first()

    asked = save_question(
        actor=rita, drill=drill, phase="detection", text="  Which dashboard do you open?  "
    )
    save_question(actor=rita, drill=drill, question=first, phase="mitigation", text="Rolled?")

    phases = [q.phase for q in drill.questions.all()]
    assert phases == sorted(phases, key=["detection", "diagnosis", "mitigation"].index)
    asked.refresh_from_db()
    assert asked.text == "Which dashboard do you open?"
    assert [q.pk for q in drill.questions.filter(phase="detection")][-1] == asked.pk
    assert drill.questions.filter(phase="mitigation").first().text == "Rolled?"
    html = signed_in(bob).get(reverse("culture:drill_board", args=[drill.pk])).content.decode()
    assert "Which dashboard do you open?" in html
    for bad, error in (
        ({"text": " "}, "Write the question"),
        ({"text": "x" * 501}, "At most 500"),
        ({"phase": "panic"}, "Choose the phase"),
    ):
        with pytest.raises(ValidationError, match=error):
            save_question(actor=rita, drill=drill, **{"phase": "detection", "text": "Q?", **bad})
    with pytest.raises(PermissionDenied):
        save_question(actor=bob, drill=drill, phase="detection", text="Spoiler?")
    with pytest.raises(PermissionDenied):
        remove_question(actor=alice, question=asked)

    for question in list(drill.questions.all()):
        remove_question(actor=rita, question=question)
    html = signed_in(bob).get(reverse("culture:drill_board", args=[drill.pk])).content.decode()
    assert "Questions" not in html  # none left: no empty box


def test_a_finished_drill_stays_as_it_was_played(story: Any, alice: Any, rita: Any) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    cards = list(drill.cards.all())
    for card in cards[1:]:
        remove_card(actor=rita, card=card)
    with pytest.raises(InvalidState, match="at least one card"):
        remove_card(actor=rita, card=cards[0])
    with pytest.raises(ValidationError, match="what the players see first"):
        save_opening(actor=rita, drill=drill, opening="\n ")
    start_drill(actor=rita, drill=drill)
    save_opening(actor=rita, drill=drill, opening="Fixed while running.")
    finish_drill(actor=rita, drill=drill)

    with pytest.raises(InvalidState, match="stays as it was played"):
        save_opening(actor=rita, drill=drill, opening="Rewritten")
    with pytest.raises(InvalidState, match="stays as it was played"):
        save_card(
            actor=rita, drill=drill, phase="detection", offset_minutes=None, text="x", reveals="y"
        )
    with pytest.raises(InvalidState, match="stays as it was played"):
        save_question(actor=rita, drill=drill, phase="detection", text="Late?")
    with pytest.raises(InvalidState, match="stays as it was played"):
        remove_question(actor=rita, question=drill.questions.first())


def test_the_correction_pages_are_the_game_masters_alone(
    story: Any, alice: Any, bob: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    card = drill.cards.first()
    rita_client, bob_client = signed_in(rita), signed_in(bob)
    edit = reverse("culture:edit_drill", args=[drill.pk])

    page = rita_client.get(edit).content.decode()
    assert card.text in page and "PagerDuty alerted" in page
    # A player sending anything, even refused input, gets no page with the cards.
    for url, data in (
        (edit, None),
        (reverse("culture:drill_opening", args=[drill.pk]), {"opening": ""}),
        (reverse("culture:add_drill_card", args=[drill.pk]), {"new-text": ""}),
        (reverse("culture:edit_drill_card", args=[card.pk]), {}),
        (reverse("culture:remove_drill_card", args=[card.pk]), {}),
        (reverse("culture:add_drill_question", args=[drill.pk]), {"ask-text": ""}),
        (reverse("culture:edit_drill_question", args=[drill.questions.first().pk]), {}),
        (reverse("culture:remove_drill_question", args=[drill.questions.first().pk]), {}),
        (reverse("culture:drill_debrief", args=[drill.pk]), {"debrief": "x" * 20001}),
    ):
        answer = bob_client.get(url) if data is None else bob_client.post(url, data)
        assert answer.status_code == 403, url
        assert card.text not in answer.content.decode()

    prefix = f"card-{card.pk}"
    refused = rita_client.post(
        reverse("culture:edit_drill_card", args=[card.pk]),
        {
            f"{prefix}-phase": "diagnosis",
            f"{prefix}-text": "Kept as typed",
            f"{prefix}-reveals": "",
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Kept as typed" in html and "This field is required." in html
    saved = rita_client.post(
        reverse("culture:add_drill_card", args=[drill.pk]),
        {"new-phase": "diagnosis", "new-offset_minutes": "25", "new-text": "Added card",
         "new-reveals": "They ask."},
    )  # fmt: skip
    added = drill.cards.get(text="Added card")
    assert saved.status_code == 302 and saved["Location"] == f"{edit}#card-{added.pk}"
    assert (added.phase, added.offset_minutes) == ("diagnosis", 25)


def test_who_plays(story: Any, alice: Any, bob: Any, charlie: Any, rita: Any) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)

    with pytest.raises(PermissionDenied):
        join_drill(actor=rita, drill=drill)  # the game master holds the answers
    join_drill(actor=bob, drill=drill)
    join_drill(actor=bob, drill=drill)
    assert DrillPlayer.objects.filter(drill=drill).count() == 1
    type(story).objects.filter(pk=story.pk).update(restricted=True)
    with pytest.raises(Http404):
        access.get_drill_for_user(charlie, drill.pk)  # outside the team: no longer a reader
    assert signed_in(charlie).get(reverse("culture:drill", args=[drill.pk])).status_code == 404


def _figures(client: Client) -> str:
    """The insights page without what changes at every answer (nonces, CSRF tokens)."""
    html = client.get(reverse("insights:dashboard")).content.decode()
    return re.sub(r'nonce="[^"]*"|value="[^"]{20,}"|"X-CSRFToken": "[^"]*"', "", html)


def test_a_drill_counts_in_no_incident_figure(story: Any, alice: Any, bob: Any, rita: Any) -> None:
    incidents = list(Incident.objects.values_list("pk", "title", "started_at"))
    dashboard = _figures(signed_in(alice))

    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    start_drill(actor=rita, drill=drill)
    for card in drill.cards.all():
        reveal_card(actor=rita, card=card)
    finish_drill(actor=rita, drill=drill)

    assert list(Incident.objects.values_list("pk", "title", "started_at")) == incidents
    assert _figures(signed_in(alice)) == dashboard


def _story_timeline(postmortem: Any, actor: Any) -> None:
    """Two entries, the second a key event: enough for a drill's opening and one card."""
    for minutes, key in ((0, False), (10, True)):
        add_timeline_entry(
            actor=actor, postmortem=postmortem, text=f"Step {minutes}", is_key_event=key,
            occurred_at=postmortem.incidents.get().started_at + timedelta(minutes=minutes),
        )  # fmt: skip


def test_the_wheel_gives_every_team_the_same_chance(
    publish: Any, search_team: Any, alice: Any, charlie: Any, rita: Any
) -> None:
    assert spin_the_wheel(actor=alice) is None
    payments = [publish(f"Payments {n}", before=_story_timeline) for n in range(3)]
    search = publish("Search 1", before=_story_timeline, team=search_team, writer=charlie)
    publish("Payments without a timeline")
    rng = random.Random(7)

    picked = [spin_the_wheel(actor=alice, rng=rng) for _ in range(400)]

    share = picked.count(search) / len(picked)
    assert 0.4 < share < 0.6  # two teams: half the spins each, whatever their sizes
    assert set(picked) == {search, *payments}
    assert spin_the_wheel(actor=alice, team=search_team, rng=rng) == search


def test_the_wheel_passes_over_what_was_drilled_lately(publish: Any, alice: Any, rita: Any) -> None:
    from hansei.culture.drills.models import Drill

    first, second = (publish(f"Payments {n}", before=_story_timeline) for n in range(2))
    drill = create_drill(actor=alice, postmortem=first, game_master=rita)
    rng = random.Random(11)

    assert {spin_the_wheel(actor=alice, rng=rng) for _ in range(40)} == {second}
    create_drill(actor=alice, postmortem=second, game_master=rita)
    # Both drilled lately: the wheel still turns, over both.
    assert {spin_the_wheel(actor=alice, rng=rng) for _ in range(40)} == {first, second}
    Drill.objects.filter(pk=drill.pk).update(created_at=timezone.now() - timedelta(days=200))
    assert {spin_the_wheel(actor=alice, rng=rng) for _ in range(40)} == {first}


def test_names_become_roles_as_whole_words(make_incident: Any, bob: Any, charlie: Any) -> None:
    from hansei.accounts.models import User
    from hansei.conftest import person
    from hansei.culture.drills.scenario import Roles

    tanaka, ann = person("tanaka", "member"), person("ann", "member")
    User.objects.filter(pk=tanaka.pk).update(display_name="田中")
    User.objects.filter(pk=ann.pk).update(display_name="Ann Lee")
    incident = make_incident(commander=tanaka, responders=[charlie])
    roles = Roles([incident], User.objects.all(), involved={bob.pk, ann.pk})

    # Japanese names are not words apart: replaced wherever they stand.
    assert (
        roles.replace("田中さんがロールバックした。")
        == "The incident commanderさんがロールバックした。"
    )
    assert roles.replace("Announce it. ann asked @charlie; Ann Lee agreed.") == (
        "Announce it. An engineer asked responder 1; an engineer agreed."
    )
    assert roles.replace("bobby tables, Bob.") == "bobby tables, an engineer."


def test_a_card_says_its_time_from_the_opening() -> None:
    from hansei.culture.drills.models import DrillCard

    labels = [DrillCard(offset_minutes=m).offset_label for m in (20, 0, -4, None)]

    assert labels == ["T+20 min", "T+0 min", "T\u22124 min", ""]
