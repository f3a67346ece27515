"""Presence states are rebuilt by the server: nothing a browser sends is painted elsewhere."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.collab.live import broadcast
from hansei.collab.live.presence import COLORS, clean_state

HOSTILE = {
    "user": {
        "id": 1,
        "name": "Somebody Else",
        "color": "url(http://attacker.example/track)",
        "colorLight": "red; background: url(http://attacker.example/x)",
    },
    "section": '"><img src=x onerror=alert(1)>',
    "cursor": {"anchor": "url(http://attacker.example/)", "head": {"type": {"client": "x"}}},
    "extra": {"deep": ["nested", {"values": 1}]},
}


def test_it_keeps_only_the_account_s_name_and_colour() -> None:
    color = COLORS[7 % len(COLORS)]
    assert clean_state(HOSTILE, user_id=7, name="Rita") == {
        "user": {"id": 7, "name": "Rita", "color": color, "colorLight": color + "33"},
        "section": None,
        "cursor": None,
    }


@pytest.mark.parametrize(
    "cursor",
    [
        None,
        [],
        "x",
        {"anchor": None, "head": None},
        {"anchor": {"type": {"client": -1, "clock": 0}}, "head": {}},
        {"anchor": {"type": {"client": 2**60, "clock": 0}}, "head": {}},
        {"anchor": {"item": {"client": 1.5, "clock": 0}}, "head": {}},
        {"anchor": {"item": {"client": True, "clock": 0}}, "head": {}},
        {"anchor": {"assoc": 5}, "head": {}},
        {"anchor": {"tname": "x" * 500}, "head": {}},
        {"anchor": {"tname": "a b"}, "head": {}},
        {"anchor": {"style": "x"}, "head": {}},
    ],
)
def test_it_drops_a_cursor_that_is_not_two_relative_positions(cursor: Any) -> None:
    assert clean_state({"cursor": cursor}, user_id=1, name="A")["cursor"] is None


def test_it_keeps_a_real_cursor() -> None:
    position = {"type": None, "tname": "summary", "item": {"client": 12, "clock": 3}, "assoc": 0}
    state = clean_state(
        {"cursor": {"anchor": position, "head": position}, "section": "summary"},
        user_id=1,
        name="A",
    )
    assert state["cursor"] == {"anchor": position, "head": position}
    assert state["section"] == "summary"


@pytest.mark.django_db(transaction=True)
def test_a_watcher_cannot_style_other_people_s_pages(
    make_postmortem: Any,
    alice: Any,
    rita: Any,
    servers: Any,
    yclients: Any,
    token_for: Any,
) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    server = servers()
    room = broadcast.room_name(postmortem.pk)
    writer = yclients(server, room, token_for(alice))
    assert writer("synced", timeout=15000)["ok"]
    writer("insert", key="summary", index=0, text="Checkout failed.")
    assert writer("wait_acked", timeout=10000)["ok"]
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    watcher = yclients(server, room, token_for(rita))  # a reviewer: read-only
    assert watcher("synced", timeout=15000)["ok"]

    watcher("awareness_state", state=HOSTILE)
    assert writer("wait_peer", field="user", timeout=10000)["ok"]
    [seen] = writer("peers")["states"]
    assert seen["user"] == {
        "id": rita.pk,
        "name": rita.name,
        "color": COLORS[rita.pk % len(COLORS)],
        "colorLight": COLORS[rita.pk % len(COLORS)] + "33",
    }
    assert seen["section"] is None and seen["cursor"] is None and "extra" not in seen
    assert "url(" not in repr(seen) and "onerror" not in repr(seen)

    # A real cursor (relative positions into the text) still reaches the others.
    assert watcher("wait_text", key="summary", contains="Checkout", timeout=10000)["ok"]
    watcher("cursor", key="summary", anchor=3, head=8)
    assert writer("wait_peer", field="cursor", timeout=10000)["ok"]
    [seen] = writer("peers")["states"]
    assert seen["cursor"]["anchor"]["item"]["clock"] == 3
    assert seen["cursor"]["head"]["item"]["clock"] == 8
