"""What happens to an incident while its postmortem is in review reaches the timeline once it
is a draft again (sent back, withdrawn, or amended after publication), and an entry its
writers deleted before does not come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hansei.incidents.history import record_event
from hansei.incidents.models import IncidentEventKind
from hansei.incidents.services import update_incident
from hansei.incidents.tests.test_services import _input
from hansei.postmortems.document.services import start_amendment
from hansei.postmortems.timeline.services import delete_timeline_entry
from hansei.reviews.services import request_changes, submit_for_review, withdraw_from_review

pytestmark = pytest.mark.django_db


def _texts(postmortem: Any) -> list[str]:
    return list(postmortem.timeline.values_list("text", flat=True))


def test_a_milestone_moved_and_a_note_added_in_review_reach_the_draft_sent_back(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    incident = postmortem.incidents.get()
    early = record_event(incident=incident, kind=IncidentEventKind.NOTE, text="Paged the DBA")
    assert early is not None and "Paged the DBA" in _texts(postmortem)
    delete_timeline_entry(
        actor=alice, entry=postmortem.timeline.get(text="Paged the DBA")
    )  # noise, say its writers
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    mitigated = incident.mitigated_at - timedelta(minutes=20)
    update_incident(actor=alice, incident=incident, data=_input(incident, mitigated_at=mitigated))
    record_event(incident=incident, kind=IncidentEventKind.NOTE, text="Vendor confirmed the fix")
    # Frozen while in review.
    assert "Vendor confirmed the fix" not in _texts(postmortem)
    entry = postmortem.timeline.get(text__startswith="Mitigated:")
    assert entry.occurred_at != mitigated

    request_changes(actor=rita, review=review, comment="Check the mitigation time.")
    assert "Vendor confirmed the fix" in _texts(postmortem)
    assert postmortem.timeline.get(text__startswith="Mitigated:").occurred_at == mitigated
    assert "Paged the DBA" not in _texts(postmortem)  # deleted before: stays deleted


def test_withdrawing_and_amending_catch_up_too(
    published_postmortem: Any, make_postmortem: Any, alice: Any, rita: Any
) -> None:
    draft = make_postmortem()
    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    record_event(
        incident=draft.incidents.get(), kind=IncidentEventKind.NOTE, text="Noted in review"
    )
    withdraw_from_review(actor=alice, postmortem=draft)
    assert "Noted in review" in _texts(draft)

    incident = published_postmortem.incidents.get()
    record_event(incident=incident, kind=IncidentEventKind.NOTE, text="Noted after publishing")
    assert "Noted after publishing" not in _texts(published_postmortem)
    start_amendment(actor=alice, postmortem=published_postmortem)
    assert "Noted after publishing" in _texts(published_postmortem)


# --- input that is probably a slip ------------------------------------------------------------


def test_an_entry_years_outside_the_incident_asks_to_be_confirmed_once(
    client: Any, make_postmortem: Any, alice: Any
) -> None:
    postmortem = make_postmortem()
    incident = postmortem.incidents.get()
    client.force_login(alice)
    url = reverse("postmortems:timeline_add", args=[postmortem.pk])
    typo = timezone.localtime(incident.started_at).replace(year=incident.started_at.year - 3)
    form = {"occurred_at": typo.strftime("%Y-%m-%dT%H:%M"), "text": "Deployed", "kind": "event"}
    response = client.post(url, form, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This is about 3 years before the incident started" in html
    assert 'name="confirm_outside" value="1"' in html
    assert not postmortem.timeline.filter(text="Deployed").exists()
    response = client.post(url, {**form, "confirm_outside": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    entry = postmortem.timeline.get(text="Deployed")
    # Days around it are plausible (the change shipped the day before): no question asked.
    day_before = timezone.localtime(incident.started_at - timedelta(days=1))
    form = {**form, "occurred_at": day_before.strftime("%Y-%m-%dT%H:%M"), "text": "Shipped"}
    assert client.post(url, form, HTTP_HX_REQUEST="true").status_code == 200
    # Changing only the text of the far entry does not ask again.
    edit = reverse("postmortems:timeline_edit", args=[postmortem.pk, entry.pk])
    changed = {**form, "occurred_at": typo.strftime("%Y-%m-%dT%H:%M"), "text": "Deployed v2"}
    assert client.post(edit, changed).status_code == 302


def test_a_new_entry_starts_in_the_incident_window_not_at_now(
    client: Any, make_incident: Any, make_postmortem: Any, alice: Any
) -> None:
    started = timezone.now() - timedelta(days=20)
    incident = make_incident(
        started_at=started,
        detected_at=started + timedelta(minutes=5),
        acknowledged_at=started + timedelta(minutes=6),
        mitigated_at=started + timedelta(minutes=30),
        resolved_at=started + timedelta(minutes=50),
    )
    postmortem = make_postmortem(incident=incident)
    client.force_login(alice)
    page = client.get(reverse("postmortems:detail", args=[postmortem.pk])).content.decode()
    expected = timezone.localtime(incident.resolved_at + timedelta(minutes=1))
    assert f'value="{expected.strftime("%Y-%m-%dT%H:%M")}"' in page


def test_a_log_in_utc_read_in_another_zone_gets_a_hint_to_read_it_as_utc(
    client: Any, make_incident: Any, make_postmortem: Any, alice: Any
) -> None:
    start = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    incident = make_incident(
        started_at=start,
        detected_at=start + timedelta(minutes=30),
        acknowledged_at=start + timedelta(minutes=32),
        mitigated_at=start + timedelta(minutes=40),
        resolved_at=start + timedelta(minutes=50),
    )
    postmortem = make_postmortem(incident=incident)
    client.force_login(alice)
    client.cookies["hansei_tz"] = "Asia/Tokyo"
    url = reverse("postmortems:timeline_import", args=[postmortem.pk])
    log = "[2024-03-04 10:00] pagerbot: ALERT 5xx\n[2024-03-04 10:10] alice: rolling back\n"
    window = {"window_start": "2024-03-04T17:30", "window_end": "2024-03-04T20:20"}  # Tokyo
    response = client.post(url, {"fmt": "chat", "pasted": log, **window})
    html = response.content.decode()
    assert response.status_code == 400
    assert "read as UTC, 2 of them would fall within it" in html and "Asia/Tokyo" in html
    response = client.post(url, {"fmt": "chat", "pasted": log, "log_zone": "UTC", **window})
    assert (
        response.status_code == 200 and "2 messages within the window" in response.content.decode()
    )
