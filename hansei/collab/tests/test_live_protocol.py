"""The live document over the y-websocket protocol, with stock Yjs clients (Node) against
real server processes on the test database."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.collab.live import broadcast
from hansei.collab.tests.servers import eventually
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Section, YUpdate

pytestmark = pytest.mark.django_db(transaction=True)


def _summary(postmortem: Any) -> Section:
    return Section.objects.get(postmortem=postmortem, key="summary")


def test_it_sends_the_seeded_text_and_stores_a_clients_edits(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(body="Checkout failed.")
    server = servers()
    client = yclients(server, broadcast.room_name(postmortem.pk), token_for(alice))
    assert client("synced", timeout=15000)["ok"]
    assert client.text("summary") == "Checkout failed."

    client("insert", key="summary", index=-1, text=" The database ran out of connections.")
    assert client("wait_acked", timeout=10000)["ok"]
    doc, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == (
        "Checkout failed. The database ran out of connections."
    )


def test_two_clients_converge_and_the_text_reaches_the_section(
    make_postmortem: Any, alice: Any, bob: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    room = broadcast.room_name(postmortem.pk)
    a = yclients(server, room, token_for(alice))
    b = yclients(server, room, token_for(bob))
    assert a("synced", timeout=15000)["ok"] and b("synced", timeout=15000)["ok"]
    a("type", key="summary", text="alpha ")
    b("type", key="summary", text="bravo ")
    a("insert", key="summary", index=0, text="日本語😀 ")
    assert a("wait_acked", timeout=10000)["ok"] and b("wait_acked", timeout=10000)["ok"]
    final = a.text("summary")
    assert b("wait_text", key="summary", equals=final, timeout=10000)["ok"]
    assert "alpha " in final and "bravo " in final and final.startswith("日本語😀 ")
    # Materialized to the section (debounced by HANSEI_COLLAB_SAVE_DELAY=0.3 s).
    saved = eventually(lambda: _summary(postmortem).body == final)
    assert saved, f"{_summary(postmortem).body!r} != {final!r}\n{server.log_tail()}"


def test_a_reader_can_watch_but_not_write(
    make_postmortem: Any,
    alice: Any,
    rita: Any,
    servers: Any,
    yclients: Any,
    token_for: Any,
) -> None:
    from hansei.reviews.models import Review

    postmortem = make_postmortem()
    Review.objects.create(postmortem=postmortem, reviewer=rita, round=1, requested_by=alice)
    server = servers()
    room = broadcast.room_name(postmortem.pk)
    writer = yclients(server, room, token_for(alice))
    reader = yclients(server, room, token_for(rita))
    assert writer("synced", timeout=15000)["ok"] and reader("synced", timeout=15000)["ok"]
    writer("insert", key="summary", index=0, text="Written by the team. ")
    assert reader("wait_text", key="summary", contains="Written by the team.")["ok"]
    rows = YUpdate.objects.filter(postmortem=postmortem).count()

    reader("insert", key="summary", index=0, text="Sneaky edit. ")
    assert reader("wait_denied", timeout=20000)["ok"], "the reader was not told it is read-only"
    assert "Sneaky" not in writer.text("summary")
    assert YUpdate.objects.filter(postmortem=postmortem).count() == rows
    doc, _ = live_text.load_doc(postmortem.pk)
    assert "Sneaky" not in live_text.section_text(doc, "summary")


def test_someone_outside_the_team_cannot_even_connect(
    make_postmortem: Any, charlie: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    outsider = yclients(server, broadcast.room_name(postmortem.pk), token_for(charlie))
    assert not outsider("synced", timeout=3000)["ok"]
    status = outsider("status")
    assert 4403 in status["closes"] and not status["connected"]
    assert outsider.text("summary") == ""


def test_no_one_connects_without_a_valid_token(
    make_postmortem: Any, servers: Any, yclients: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    stranger = yclients(server, broadcast.room_name(postmortem.pk), "hansei_not-a-real-token")
    assert not stranger("synced", timeout=3000)["ok"]
    assert 4403 in stranger("status")["closes"]


def test_a_sigkilled_server_loses_no_acknowledged_edit(
    make_postmortem: Any, alice: Any, bob: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    room = broadcast.room_name(postmortem.pk)
    writer = yclients(server, room, token_for(alice))
    assert writer("synced", timeout=15000)["ok"]
    writer("type", key="summary", text="Every acknowledged keystroke survives.")
    assert writer("wait_acked", timeout=10000)["ok"]
    expected = writer.text("summary")
    server.kill()

    # Edits made while the server is down stay in the client and merge on reconnect.
    writer("type", key="summary", text=" Offline too.")
    restarted = servers(port=server.port)
    assert writer("wait_acked", timeout=20000)["ok"]
    fresh = yclients(restarted, room, token_for(bob))
    assert fresh("wait_text", key="summary", equals=expected + " Offline too.", timeout=10000)["ok"]
    doc, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == expected + " Offline too."


def test_acknowledged_edits_are_in_the_database_at_the_moment_of_a_kill(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    """The guarantee itself: acknowledged means committed, not "will be written soon"."""
    postmortem = make_postmortem()
    server = servers()
    writer = yclients(server, broadcast.room_name(postmortem.pk), token_for(alice))
    assert writer("synced", timeout=15000)["ok"]
    for word in ("one ", "two ", "three "):
        writer("insert", key="summary", index=-1, text=word)
    assert writer("wait_acked", timeout=10000)["ok"]
    acknowledged = writer.text("summary")
    server.kill()
    doc, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == acknowledged
