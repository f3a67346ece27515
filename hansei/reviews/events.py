"""What can happen in review, announced to the apps above (see ``core.events``)."""

from __future__ import annotations

from hansei.core import events
from hansei.core.events import STATE_PARTS

POSTMORTEM_SUBMITTED = events.kind(
    "postmortem_submitted", "A postmortem was submitted for review.", parts=STATE_PARTS
)
REVIEW_REQUESTED = events.kind(
    "review_requested", "Someone was asked to review a postmortem (object: the review)."
)
REVIEW_DECIDED = events.kind(
    "review_decided",
    "A reviewer approved or requested changes (object: the review).",
    parts=("review",),
)
POSTMORTEM_APPROVED = events.kind(
    "postmortem_approved",
    "A postmortem has every approval it needs and may be published.",
    parts=STATE_PARTS,
)
POSTMORTEM_SENT_BACK = events.kind(
    "postmortem_sent_back",
    "A reviewer requested changes: the postmortem is a draft again.",
    parts=STATE_PARTS,
)
POSTMORTEM_WITHDRAWN = events.kind(
    "postmortem_withdrawn",
    "Its writers took a postmortem back from review: it is a draft again.",
    parts=STATE_PARTS,
)
MEETING_NOTE_RECORDED = events.kind(
    "meeting_note_recorded",
    "Notes of a review meeting were recorded (object: the note).",
    parts=("review",),
)
MEETING_SCHEDULED = events.kind(
    "meeting_scheduled", "A review meeting was scheduled (object: the meeting).", parts=("review",)
)
MEETING_UPDATED = events.kind(
    "meeting_updated",
    "A review meeting's time, place, agenda or invitees changed (object: the meeting).",
    parts=("review",),
)
MEETING_CANCELLED = events.kind(
    "meeting_cancelled", "A review meeting was cancelled (object: the meeting).", parts=("review",)
)
