"""Wheel of Misfortune drills through the API: players get no spoilers; the game master runs
the drill (start, clock, phase, reveal, finish, debrief) and corrects it (opening, cards,
questions); odd input is refused and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.culture.drills.services import create_drill, join_drill

pytestmark = pytest.mark.django_db


def test_the_api_gives_players_no_spoilers(story: Any, alice: Any, bob: Any, rita: Any) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    bob_api, rita_api = ApiClient(bob), ApiClient(rita)

    joined = bob_api.post(f"/culture/drills/{drill.pk}/players", {})
    assert joined.status_code == 201, joined.content
    seen = joined.json()
    assert (seen["opening"], seen["cards"], seen["answer_key"], seen["hidden"]) == (
        None,
        [],
        None,
        4,
    )
    assert_error(bob_api.post(f"/culture/drills/{drill.pk}/start", {}), 403)
    started = rita_api.post(f"/culture/drills/{drill.pk}/start", {}).json()
    assert len(started["cards"]) == 4 and started["answer_key"][0]["title"] == "Trigger"
    card = started["cards"][1]
    assert_error(bob_api.put(f"/culture/drills/cards/{card['id']}/revealed", {}), 403)
    assert_error(
        rita_api.put(f"/culture/drills/cards/{card['id']}/revealed", {"revealed": "x"}), 422
    )
    assert rita_api.put(f"/culture/drills/cards/{card['id']}/revealed", {}).status_code == 200

    seen = bob_api.get(f"/culture/drills/{drill.pk}").json()
    assert [c["text"] for c in seen["cards"]] == [card["text"]]
    assert seen["cards"][0]["reveals"] is None and seen["answer_key"] is None
    assert {q["phase"] for q in seen["questions"]} == {"detection", "diagnosis", "mitigation"}
    assert "pool size" not in json.dumps(seen)
    assert bob_api.get("/culture/drills/99999999999999999999").status_code == 404


def test_the_game_master_corrects_a_drill_through_the_api(
    story: Any, alice: Any, bob: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    bob_api, rita_api = ApiClient(bob), ApiClient(rita)
    card = {"phase": "detection", "offset_minutes": -3, "text": "A deploy.", "reveals": "Ask."}

    added = rita_api.post(f"/culture/drills/{drill.pk}/cards", card)
    assert added.status_code == 201, added.content
    first = added.json()["cards"][0]
    assert (first["text"], first["offset_minutes"], first["reveals"]) == ("A deploy.", -3, "Ask.")
    changed = rita_api.put(f"/culture/drills/cards/{first['id']}", {**card, "text": "Two."})
    assert changed.json()["cards"][0]["text"] == "Two."
    opening = rita_api.put(f"/culture/drills/{drill.pk}/opening", {"opening": "Errors."})
    assert opening.json()["opening"] == "Errors."
    assert rita_api.delete(f"/culture/drills/cards/{first['id']}").status_code == 204
    assert drill.cards.count() == 4

    for refused, status in (
        ({**card, "text": ""}, 400),
        ({**card, "offset_minutes": 10**6}, 400),
        ({**card, "phase": None}, 422),
        ({**card, "text": {"nested": ["json"]}}, 422),
        ({**card, "offset_minutes": "soon"}, 422),
    ):
        assert_error(rita_api.post(f"/culture/drills/{drill.pk}/cards", refused), status)
    assert drill.cards.count() == 4
    assert_error(bob_api.post(f"/culture/drills/{drill.pk}/cards", card), 403)
    assert_error(bob_api.put(f"/culture/drills/{drill.pk}/opening", {"opening": "x"}), 403)
    some = drill.cards.first()
    assert_error(bob_api.delete(f"/culture/drills/cards/{some.pk}"), 403)


def test_the_game_master_runs_a_drill_through_the_api(
    story: Any, alice: Any, bob: Any, rita: Any
) -> None:
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    bob_api, rita_api = ApiClient(bob), ApiClient(rita)
    base = f"/culture/drills/{drill.pk}"
    join_drill(actor=bob, drill=drill)

    assert_error(rita_api.put(f"{base}/clock", {"paused": True}), 409)
    assert_error(rita_api.put(f"{base}/phase", {"phase": "diagnosis"}), 409)
    assert_error(rita_api.post(f"{base}/finish", {}), 409)
    assert_error(rita_api.put(f"{base}/debrief", {"debrief": "Early."}), 409)
    limit = rita_api.put(f"{base}/clock", {"time_limit": 30}).json()
    assert (limit["time_limit"], limit["paused"], limit["seconds_left"]) == (30, False, None)
    rita_api.post(f"{base}/start", {})
    paused = rita_api.put(f"{base}/clock", {"paused": True}).json()
    assert paused["paused"] and 29 * 60 <= paused["seconds_left"] <= 30 * 60
    seen = bob_api.get(base).json()
    assert seen["paused"] and seen["seconds_left"] == paused["seconds_left"]
    for refused, status in (
        ({"time_limit": 9}, 400),
        ({"time_limit": 10**30}, 400),
        ({"time_limit": "soon"}, 422),
        ({"paused": {"nested": [1]}}, 422),
        ({"paused": "sometimes"}, 422),
    ):
        assert_error(rita_api.put(f"{base}/clock", refused), status)
    assert_error(bob_api.put(f"{base}/clock", {"paused": False}), 403)
    resumed = rita_api.put(f"{base}/clock", {"paused": False, "time_limit": 40}).json()
    assert not resumed["paused"] and resumed["time_limit"] == 40

    assert rita_api.put(f"{base}/phase", {"phase": "diagnosis"}).json()["phase"] == "diagnosis"
    assert_error(rita_api.put(f"{base}/phase", {"phase": "panic"}), 400)
    assert_error(rita_api.put(f"{base}/phase", {"phase": None}), 422)
    assert_error(bob_api.put(f"{base}/phase", {"phase": "mitigation"}), 403)

    asked = rita_api.post(f"{base}/questions", {"phase": "diagnosis", "text": "Which graph?"})
    assert asked.status_code == 201, asked.content
    question = next(q for q in asked.json()["questions"] if q["text"] == "Which graph?")
    changed = rita_api.put(
        f"/culture/drills/questions/{question['id']}", {"phase": "mitigation", "text": "Why?"}
    )
    assert {"id": question["id"], "phase": "mitigation", "text": "Why?"} in changed.json()[
        "questions"
    ]
    for refused, status in (
        ({"phase": "diagnosis", "text": "  "}, 400),
        ({"phase": "diagnosis", "text": "?" * 501}, 400),
        ({"phase": "later", "text": "When?"}, 400),
        ({"phase": None, "text": "When?"}, 422),
        ({"phase": "diagnosis", "text": ["nested"]}, 422),
    ):
        assert_error(rita_api.post(f"{base}/questions", refused), status)
    asked_count = drill.questions.count()
    assert_error(bob_api.post(f"{base}/questions", {"phase": "diagnosis", "text": "Me?"}), 403)
    assert_error(bob_api.delete(f"/culture/drills/questions/{question['id']}"), 403)
    assert rita_api.delete(f"/culture/drills/questions/{question['id']}").status_code == 204
    assert drill.questions.count() == asked_count - 1

    finished = rita_api.post(f"{base}/finish", {}).json()
    assert finished["status"] == "finished"
    assert_error(bob_api.put(f"{base}/debrief", {"debrief": "Mine."}), 403)
    assert_error(rita_api.put(f"{base}/debrief", {"debrief": "x" * 20001}), 400)
    assert_error(rita_api.put(f"{base}/debrief", {"debrief": {"nested": "json"}}), 422)
    kept = rita_api.put(f"{base}/debrief", {"debrief": "Nobody checked the pool."})
    assert kept.json()["debrief"] == "Nobody checked the pool."
    assert bob_api.get(base).json()["debrief"] == "Nobody checked the pool."
    assert_error(rita_api.put(f"{base}/clock", {"paused": True}), 409)
    assert_error(rita_api.post(f"{base}/questions", {"phase": "diagnosis", "text": "Late?"}), 409)
