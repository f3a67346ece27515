"""A published postmortem with a story to replay: an incident Bob led with Charlie
responding, a timeline naming them, and sections naming the trigger and root causes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hansei.conftest import FULL_CHECKLIST
from hansei.postmortems.document.services import publish_postmortem, update_section
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.reviews.services import approve_review, submit_for_review

TRIGGER = "A config push by Bob set the pool size to 0."
ROOT = "Nothing validated pool sizes; the canary checked only the happy path."


def story_postmortem(
    make_incident: Any, make_postmortem: Any, alice: Any, bob: Any, charlie: Any, rita: Any
) -> Any:
    incident = make_incident(
        title="Checkout API returned 500s", commander=bob, responders=[charlie, alice]
    )
    postmortem = make_postmortem(incident=incident, title="Checkout outage")
    start = incident.started_at
    entries = [
        (0, "detection", "PagerDuty alerted Bob: checkout error rate at 40%.", True),
        (5, "escalation", "bob paged Charlie from the database team.", True),
        (20, "event", "Charlie saw the connection pool at 0 on every node.", True),
        (40, "action", "@alice rolled back the config push.", True),
        (45, "communication", "Status page updated.", False),
        (70, "milestone", "Error rate back to normal.", True),
    ]
    for minutes, kind, text, key in entries:
        add_timeline_entry(
            actor=alice,
            postmortem=postmortem,
            occurred_at=start + timedelta(minutes=minutes),
            text=text,
            kind=kind,
            is_key_event=key,
        )
    sections = {s.key: s for s in postmortem.sections.all()}
    update_section(actor=alice, section=sections["trigger"], body=TRIGGER)
    update_section(actor=alice, section=sections["root_causes"], body=ROOT)
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Clear.")
    publish_postmortem(actor=alice, postmortem=postmortem)
    postmortem.refresh_from_db()
    return postmortem
