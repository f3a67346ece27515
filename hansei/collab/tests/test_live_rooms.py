"""Rooms across processes, writes from outside the editor, and state changes while editing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pycrdt import Doc, Text

from hansei.collab.live import broadcast
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Section, YUpdate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres
def test_clients_on_two_server_processes_converge(
    make_postmortem: Any, alice: Any, bob: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    room = broadcast.room_name(postmortem.pk)
    first, second = servers(), servers()
    a = yclients(first, room, token_for(alice))
    b = yclients(second, room, token_for(bob))
    assert a("synced", timeout=15000)["ok"] and b("synced", timeout=15000)["ok"]
    a("type", key="summary", text="from process one. ")
    b("type", key="summary", text="from process two. ")
    assert b("wait_text", key="summary", contains="from process one. ", timeout=10000)["ok"]
    assert a("wait_text", key="summary", contains="from process two. ", timeout=10000)["ok"]
    # Each saw the other's words; the last keystrokes may still be on their way: wait until
    # both hold the same text (converged), or fail after 10 s.
    deadline = time.monotonic() + 10
    while a.text("summary") != b.text("summary") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert a.text("summary") == b.text("summary")


@pytest.mark.postgres
def test_a_room_catches_up_from_the_database_when_a_relay_message_is_lost(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    client = yclients(server, broadcast.room_name(postmortem.pk), token_for(alice))
    assert client("synced", timeout=15000)["ok"]
    # Another process stored an update but its message never arrived: write the row only.
    doc, _ = live_text.load_doc(postmortem.pk)
    before = doc.get_state()
    doc.get("summary", type=Text).insert(0, "Stored elsewhere. ")
    live_text.append_updates(postmortem.pk, [doc.get_update(before)])
    assert client("wait_text", key="summary", contains="Stored elsewhere.", timeout=10000)["ok"]


def test_a_section_saved_by_the_form_reaches_open_editors(
    make_postmortem: Any, alice: Any, bob: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    import re
    import urllib.parse
    import urllib.request
    from http.cookiejar import CookieJar

    from hansei.conftest import PASSWORD

    postmortem = make_postmortem()
    server = servers()
    editor = yclients(server, broadcast.room_name(postmortem.pk), token_for(bob))
    assert editor("synced", timeout=15000)["ok"]
    editor("insert", key="summary", index=0, text="Typed live. ")
    assert editor("wait_acked", timeout=10000)["ok"]

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(f"{server.url}/accounts/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert csrf
    fields = {"csrfmiddlewaretoken": csrf.group(1), "username": "alice", "password": PASSWORD}
    opener.open(f"{server.url}/accounts/login/", urllib.parse.urlencode(fields).encode())
    page = opener.open(f"{server.url}/postmortems/{postmortem.pk}/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    body = {"csrfmiddlewaretoken": csrf.group(1), "body": "Typed live. Saved by a form."}
    opener.open(
        f"{server.url}/postmortems/{postmortem.pk}/sections/summary/",
        urllib.parse.urlencode(body).encode(),
    )
    assert editor("wait_text", key="summary", equals="Typed live. Saved by a form.")["ok"]
    assert Section.objects.get(postmortem=postmortem, key="summary").body == (
        "Typed live. Saved by a form."
    )


def test_submitting_for_review_makes_open_editors_read_only(
    make_postmortem: Any, alice: Any, rita: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    server = servers()
    editor = yclients(server, broadcast.room_name(postmortem.pk), token_for(alice))
    assert editor("synced", timeout=15000)["ok"]
    editor("insert", key="summary", index=0, text="Final words. ")
    assert editor("wait_acked", timeout=10000)["ok"]
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    # The text typed live was brought into the section before the state changed.
    assert Section.objects.get(postmortem=postmortem, key="summary").body.startswith(
        "Final words. "
    )
    rows = YUpdate.objects.filter(postmortem=postmortem).count()
    editor("insert", key="summary", index=0, text="Too late. ")
    assert editor("wait_denied", timeout=20000)["ok"]
    assert YUpdate.objects.filter(postmortem=postmortem).count() == rows


def test_compaction_keeps_the_document_and_rows_added_meanwhile(make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    doc, _ = live_text.load_doc(postmortem.pk)
    text = doc.get("summary", type=Text)
    for word in ["one ", "two ", "three "]:
        before = doc.get_state()
        text.insert(len(text), word)
        live_text.append_updates(postmortem.pk, [doc.get_update(before)])
    assert live_text.compact(postmortem.pk) == 4  # the seed and three edits
    assert YUpdate.objects.filter(postmortem=postmortem).count() == 1
    reloaded, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(reloaded, "summary") == str(text)


def test_seeding_happens_once_even_when_asked_twice(make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(body="Once.")
    live_text.ensure_seeded(postmortem.pk)
    live_text.ensure_seeded(postmortem.pk)
    assert YUpdate.objects.filter(postmortem=postmortem).count() == 1
    doc, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == "Once."


def test_replacing_text_keeps_unchanged_text_and_handles_any_script(make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(body="障害は😀午後に発生")
    live_text.replace_section_text(
        postmortem_id=postmortem.pk, key="summary", text="障害は😀午前に発生した"
    )
    doc, _ = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == "障害は😀午前に発生した"
    assert (
        live_text.replace_section_text(
            postmortem_id=postmortem.pk, key="summary", text="障害は😀午前に発生した"
        )
        is None
    )
    # Only the changed characters were rewritten: an independent copy merges cleanly.
    other: Doc = Doc()
    for _, data in live_text.stored_updates(postmortem.pk):
        other.apply_update(data)
    assert live_text.section_text(other, "summary") == "障害は😀午前に発生した"
