"""Importing chat history into a draft's timeline, links and milestone markers, via HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hansei.core.errors import InvalidState
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind
from hansei.postmortems.timeline.services import (
    ImportedEntry,
    add_timeline_entry,
    import_timeline_entries,
    update_timeline_entry,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
START = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def draft(make_incident: Any, make_postmortem: Any, bob: Any) -> Any:
    """The draft of an incident from 09:30 to 10:20 UTC on 2024-03-04, Bob commanding."""
    incident = make_incident(
        started_at=START,
        detected_at=START + timedelta(minutes=30),
        acknowledged_at=START + timedelta(minutes=32),
        mitigated_at=START + timedelta(minutes=40),
        resolved_at=START + timedelta(minutes=50),
        commander=bob,
    )
    return make_postmortem(incident=incident)


def _imported(postmortem: Any) -> list[TimelineEntry]:
    return list(postmortem.timeline.filter(source__startswith="import"))


def _preview(client: Any, postmortem: Any, **data: Any) -> Any:
    values = {"fmt": "auto", "window_start": "2024-03-04T08:30", "window_end": "2024-03-04T11:20"}
    values.update(data)
    return client.post(reverse("postmortems:timeline_import", args=[postmortem.pk]), values)


def _confirm(client: Any, postmortem: Any, **data: Any) -> Any:
    url = reverse("postmortems:timeline_import_confirm", args=[postmortem.pk])
    return client.post(url, data)


# --- the service ---------------------------------------------------------------------------


def test_it_imports_entries_in_one_go(draft, alice):
    at = START + timedelta(minutes=5)
    created = import_timeline_entries(
        actor=alice,
        postmortem=draft,
        entries=[ImportedEntry(at, "the on-call engineer: ack", True), ImportedEntry(at, "b")],
    )

    assert len(created) == 2
    stored = _imported(draft)
    assert [(e.text, e.is_key_event, e.created_by) for e in stored] == [
        ("the on-call engineer: ack", True, alice),
        ("b", False, alice),
    ]


def test_it_imports_nothing_when_one_entry_is_bad(draft, alice):
    at = START + timedelta(minutes=5)
    entries = [ImportedEntry(at, "fine"), ImportedEntry(at, "x" * 2001), ImportedEntry(at, " ")]

    with pytest.raises(ValidationError) as excinfo:
        import_timeline_entries(actor=alice, postmortem=draft, entries=entries)

    assert "Entries 2, 3" in excinfo.value.messages[0]
    assert _imported(draft) == []


def test_it_refuses_more_than_2000_entries(draft, alice):
    entries = [ImportedEntry(START, f"line {n}") for n in range(2001)]

    with pytest.raises(ValidationError, match="At most 2000"):
        import_timeline_entries(actor=alice, postmortem=draft, entries=entries)

    assert _imported(draft) == []


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_only_writers_can_import(draft, request, who):
    with pytest.raises(PermissionDenied):
        import_timeline_entries(
            actor=request.getfixturevalue(who),
            postmortem=draft,
            entries=[ImportedEntry(START, "x")],
        )
    assert _imported(draft) == []


def test_it_refuses_an_import_into_a_postmortem_in_review(draft, alice, rita):
    from hansei.reviews.services import submit_for_review

    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])

    with pytest.raises(InvalidState):
        import_timeline_entries(actor=alice, postmortem=draft, entries=[ImportedEntry(START, "x")])


def test_entries_link_to_http_pages_only(draft, alice):
    entry = add_timeline_entry(
        actor=alice,
        postmortem=draft,
        occurred_at=START,
        text="Error rate graph",
        link_url="https://grafana.example.com/d/checkout",
    )
    assert entry.link_url == "https://grafana.example.com/d/checkout"

    for bad in ("javascript:alert(1)", "ftp://files.example.com/x", "not a url"):
        with pytest.raises(ValidationError) as excinfo:
            update_timeline_entry(
                actor=alice,
                entry=entry,
                occurred_at=START,
                text="x",
                kind="event",
                is_key_event=False,
                link_url=bad,
            )
        assert "link_url" in excinfo.value.message_dict
    entry.refresh_from_db()
    assert entry.link_url == "https://grafana.example.com/d/checkout"


# --- the pages -----------------------------------------------------------------------------


def test_it_previews_a_chat_log_and_imports_the_chosen_lines_with_roles(client, draft, alice):
    client.force_login(alice)
    log = (SAMPLES / "chat_bracketed.log").read_bytes()

    response = _preview(client, draft, upload=SimpleUploadedFile("incident.log", log))

    assert response.status_code == 200
    html = response.content.decode()
    assert "5 messages within the window" in html
    assert "1 outside it left out" in html  # 14:00
    assert "rolling back the gateway config" in html
    assert 'value="the incident commander"' in html  # Bob commands the incident
    assert 'value="the on-call engineer"' in html
    assert "Times without a time zone are read as UTC" in html
    assert _imported(draft) == []  # nothing before the confirmation

    response = _confirm(
        client,
        draft,
        use_roles="1",
        **{"role-0": "the alerting bot", "role-1": "the on-call engineer"},
        **{"role-2": "the incident commander"},
        include=["1", "2", "3"],
        key=["3"],
    )

    assert response.status_code == 302
    entries = _imported(draft)
    assert [(e.text, e.is_key_event) for e in entries] == [
        ("the on-call engineer: ack, looking at the checkout dashboards", False),
        (
            "the incident commander: the on-call engineer the gateway config was pushed at 10:02",
            False,
        ),
        (
            "the on-call engineer: rolling back the gateway config\n(rollback job #881 started)",
            True,
        ),
    ]
    assert entries[0].occurred_at == datetime(2024, 3, 4, 10, 2, tzinfo=UTC)
    page = client.get(reverse("postmortems:detail", args=[draft.pk])).content.decode()
    assert "the on-call engineer: rolling back the gateway config" in page


def test_it_imports_a_slack_export_day_with_users_json(client, draft, bob):
    client.force_login(bob)
    day = (SAMPLES / "slack_2024-03-04.json").read_bytes()
    users = (SAMPLES / "slack_users.json").read_bytes()

    response = _preview(
        client,
        draft,
        upload=SimpleUploadedFile("2024-03-04.json", day),
        users_file=SimpleUploadedFile("users.json", users),
    )
    assert response.status_code == 200
    assert "Alice Martin" in response.content.decode()

    _confirm(client, draft, include=[str(n) for n in range(5)])

    texts = [e.text for e in _imported(draft)]
    assert texts[1] == "Alice Martin: I'm on it, looking at the checkout dashboards"
    assert len(texts) == 5


def test_it_imports_pasted_csv(client, draft, alice):
    client.force_login(alice)
    csv_text = (SAMPLES / "timeline.csv").read_text()

    assert _preview(client, draft, pasted=csv_text).status_code == 200
    _confirm(client, draft, include=["1"], key=["1"])  # 09:10Z sorts first

    [entry] = _imported(draft)
    assert entry.text == "pagerbot: ALERT checkout-api 5xx rate above 5%"
    assert entry.is_key_event


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pasted": "[10:00] alice: ok\nnot a line\n"}, "Lines that failed: 2."),
        ({"pasted": "when,who\n10:00,alice\n", "fmt": "csv"}, "time (or timestamp)"),
        ({"pasted": "[2024-03-05 10:00] alice: next day\n"}, "None of the 1 messages"),
        ({}, "Choose a file or paste the text"),
        ({"pasted": "x", "window_end": "2024-03-04T08:00"}, "must be after its start"),
    ],
)
def test_it_explains_bad_input_and_imports_nothing(client, draft, alice, data, message):
    client.force_login(alice)

    response = _preview(client, draft, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _imported(draft) == []
    assert client.session.get(f"timeline-import-{draft.pk}") is None


def test_it_refuses_an_oversized_file(client, draft, alice):
    client.force_login(alice)
    big = SimpleUploadedFile("big.log", b"[10:00] alice: x\n" * 130_000)

    response = _preview(client, draft, upload=big)

    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_it_refuses_more_than_2000_lines_in_the_window(client, draft, alice):
    client.force_login(alice)
    lines = "".join(f"[2024-03-04 10:{n % 60:02d}] alice: line {n}\n" for n in range(2001))

    response = _preview(client, draft, pasted=lines)

    assert response.status_code == 400
    assert "2001 messages fall within the window" in response.content.decode()


def test_a_confirmation_without_chosen_lines_imports_nothing(client, draft, alice):
    client.force_login(alice)
    _preview(client, draft, pasted="[10:00] alice: ok\n")

    response = _confirm(client, draft)

    assert response.status_code == 400
    assert "Choose at least one line" in response.content.decode()
    assert _imported(draft) == []


def test_charlie_cannot_see_the_importer_and_rita_cannot_use_it(
    client, draft, alice, charlie, rita
):
    from hansei.reviews.services import request_changes, submit_for_review

    # Rita reviewed it and sent it back: she can read the draft, not write it.
    [review] = submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="More detail in the timeline.")
    client.force_login(charlie)
    assert _preview(client, draft, pasted="[10:00] a: b").status_code == 404
    assert _confirm(client, draft, include=["0"]).status_code == 404
    client.force_login(rita)
    url = reverse("postmortems:timeline_import", args=[draft.pk])
    assert client.get(url).status_code == 403
    assert _preview(client, draft, pasted="[10:00] a: b").status_code == 403
    assert _imported(draft) == []


def test_the_importer_window_defaults_to_an_hour_around_the_incident(client, draft, alice):
    client.force_login(alice)

    html = client.get(reverse("postmortems:timeline_import", args=[draft.pk])).content.decode()

    assert 'value="2024-03-04T08:30"' in html
    assert 'value="2024-03-04T11:21"' in html


def test_a_milestone_marker_is_one_click_and_links_show_safely(client, draft, alice):
    client.force_login(alice)
    entry = add_timeline_entry(
        actor=alice,
        postmortem=draft,
        occurred_at=START,
        text="Deploy 42 went out",
        link_url="https://ci.example.com/deploys/42",
    )
    url = reverse("postmortems:timeline_edit", args=[draft.pk, entry.pk])

    client.post(url, {"toggle_milestone": "1"})

    entry.refresh_from_db()
    assert entry.kind == TimelineKind.MILESTONE
    page = client.get(reverse("postmortems:detail", args=[draft.pk]) + "?timeline=all")
    html = page.content.decode()
    assert 'href="https://ci.example.com/deploys/42"' in html
    assert 'rel="noopener noreferrer"' in html
    client.post(url, {"toggle_milestone": "1"})
    entry.refresh_from_db()
    assert entry.kind == TimelineKind.EVENT


def test_the_edit_form_sets_a_link(client, draft, alice):
    client.force_login(alice)
    entry = add_timeline_entry(actor=alice, postmortem=draft, occurred_at=START, text="Graph")
    url = reverse("postmortems:timeline_edit", args=[draft.pk, entry.pk])

    response = client.post(
        url,
        {
            "occurred_at": "2024-03-04T09:30",
            "text": "Graph",
            "kind": "event",
            "link_url": "https://grafana.example.com/d/x",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.link_url == "https://grafana.example.com/d/x"
    bad = client.post(
        url,
        {
            "occurred_at": "2024-03-04T09:30",
            "text": "G",
            "kind": "event",
            "link_url": "javascript:alert(1)",
        },
    )
    assert bad.status_code == 400


def test_a_refused_entry_keeps_what_was_typed_with_or_without_javascript(client, draft, alice):
    """htmx gets the timeline card with the errors (400); a plain post gets the whole page
    with the form, the errors and the typed text in place (400), never a redirect that
    drops them. Both add nothing."""
    client.force_login(alice)
    url = reverse("postmortems:timeline_add", args=[draft.pk])
    typed = {"occurred_at": "2024-03-04T09:30", "text": "Failover", "link_url": "ftp://x"}
    before = TimelineEntry.objects.filter(postmortem=draft).count()

    fragment = client.post(url, typed, HTTP_HX_REQUEST="true")
    page = client.post(url, typed)

    assert fragment.status_code == page.status_code == 400
    assert "<html" not in fragment.content.decode()
    html = page.content.decode()
    assert "<html" in html and 'value="ftp://x"' in html and "Failover" in html
    assert "errorlist" in html
    assert TimelineEntry.objects.filter(postmortem=draft).count() == before


def test_a_toggle_on_a_postmortem_in_review_is_refused_as_a_conflict(client, draft, alice, rita):
    from hansei.reviews.services import submit_for_review

    entry = add_timeline_entry(actor=alice, postmortem=draft, occurred_at=START, text="Deploy")
    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    client.force_login(alice)
    url = reverse("postmortems:timeline_edit", args=[draft.pk, entry.pk])

    response = client.post(url, {"toggle_key": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.is_key_event is False


@pytest.mark.parametrize(
    "fmt,pasted",
    [
        ("csv", "time,text\n99999999999999999999,hello\n"),
        ("csv", "time,text\n9999-12-31T23:59:00-12:00,hello\n"),
        ("csv", "time,text\n0001-01-01T00:00:00+14:00,hello\n"),
        ("auto", "time,text\n99999999999999999999,hello\n"),
        ("slack", '[{"type": "message", "ts": "1e400", "text": "hi"}]'),
        ("slack", '[{"type": "message", "ts": "inf", "text": "hi"}]'),
        ("slack", '[{"type": "message", "ts": "99999999999999999999", "text": "hi"}]'),
        ("chat", "[0001-01-01 00:00 +14:00] alice: hi"),
    ],
)
def test_a_time_no_date_holds_is_a_line_that_failed(client, draft, alice, fmt, pasted):
    client.force_login(alice)
    answer = _preview(client, draft, fmt=fmt, pasted=pasted)
    assert answer.status_code == 400
    assert "Lines that failed: " in answer.content.decode()
    assert _imported(draft) == []
