"""Reads are never stale: text a killed server had stored but not yet copied into the
sections is brought up to date on read, when a worker starts and by its periodic sweep."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient
from hansei.collab.live import broadcast
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import MaterializedText, Section

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[3]


def _killed_while_typing(postmortem: Any, servers: Any, yclients: Any, token: str) -> str:
    """A server that never gets to save (its debounce is an hour) is killed after the client's
    edit was acknowledged: the update is stored, the section's body is not."""
    server = servers(HANSEI_COLLAB_SAVE_DELAY="3600")
    writer = yclients(server, broadcast.room_name(postmortem.pk), token)
    assert writer("synced", timeout=15000)["ok"]
    writer("type", key="summary", text="Stored before the crash.")
    assert writer("wait_acked", timeout=10000)["ok"]
    text = writer.text("summary")
    server.kill()
    assert text.endswith("Stored before the crash.")
    assert Section.objects.get(postmortem=postmortem, key="summary").body != text
    assert live_text.has_unsaved_text(postmortem.pk)
    return text


def _summary(postmortem: Any) -> str:
    return Section.objects.get(postmortem=postmortem, key="summary").body


def test_the_api_and_exports_read_text_a_killed_server_left_unsaved(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    text = _killed_while_typing(postmortem, servers, yclients, token_for(alice))

    body = ApiClient(alice).get(f"/postmortems/{postmortem.pk}").json()
    [summary] = [s for s in body["sections"] if s["key"] == "summary"]
    assert summary["body"] == text
    assert _summary(postmortem) == text
    assert not live_text.has_unsaved_text(postmortem.pk)


def test_an_export_reads_text_a_killed_server_left_unsaved(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    text = _killed_while_typing(postmortem, servers, yclients, token_for(alice))
    client = Client()
    client.force_login(alice)
    assert text in client.get(f"/postmortems/{postmortem.pk}/export.md").content.decode()


def test_a_starting_worker_saves_every_document_left_unsaved(
    make_postmortem: Any, alice: Any, servers: Any, yclients: Any, token_for: Any
) -> None:
    from hansei.collab.tests.servers import test_database_url

    postmortem = make_postmortem()
    text = _killed_while_typing(postmortem, servers, yclients, token_for(alice))
    env = {"HANSEI_DATABASE_URL": test_database_url(), "HANSEI_COLLAB_SAVE_DELAY": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "hansei.cli.main", "worker", "--once"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _summary(postmortem) == text
    assert MaterializedText.objects.get(postmortem=postmortem).through_update > 0


def test_the_sweep_leaves_documents_a_room_is_still_about_to_save(make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    live_text.replace_section_text(postmortem_id=postmortem.pk, key="summary", text="Just typed.")
    assert live_text.has_unsaved_text(postmortem.pk)
    live_text.sweep_unsaved_text()  # younger than the save delay: the room's own save is due
    assert live_text.has_unsaved_text(postmortem.pk)
    assert live_text.materialize_stale() == 1
    assert _summary(postmortem) == "Just typed."
    assert live_text.materialize_stale() == 0
