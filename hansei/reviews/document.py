"""What reviews add to the postmortem as a document: the meeting notes a published revision
keeps, and the check that nothing is published without the approvals the policy asks for."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.parts import SnapshotPart
from hansei.reviews.models import Decision, Review, ReviewMeetingNote


def meeting_notes_data(postmortem: Postmortem) -> list[dict[str, Any]]:
    return [
        {
            "id": n.pk,
            "held_on": n.held_on.isoformat() if n.held_on else None,
            "attendees": n.attendees,
            "notes": n.notes,
        }
        for n in ReviewMeetingNote.objects.filter(postmortem=postmortem)
    ]


def meeting_notes_markdown(notes: list[dict[str, Any]]) -> list[str]:
    if not notes:
        return []
    lines = [f"## {_('Review meeting notes')}", ""]
    for note in notes:
        lines += [f"### {note['held_on']}", "", note["notes"], ""]
    return lines


SNAPSHOT_PART = SnapshotPart(
    key="review_meeting_notes",
    data=meeting_notes_data,
    markdown=meeting_notes_markdown,
    empty=[],
)


def review_blockers(postmortem: Postmortem) -> list[str]:
    """Why the reviews do not allow publishing yet: too few approvals with the whole
    checklist confirmed in the current round, or a reviewer who asked for changes."""
    policy = PostmortemPolicy.current()
    current = Review.objects.filter(postmortem=postmortem, round=postmortem.review_round)
    approvals = [r for r in current if r.decision == Decision.APPROVED and r.checklist_complete]
    # An amendment reopens the last round's content: approvals given before the latest
    # publication reviewed the old text and do not count for the new one.
    latest = postmortem.latest_revision()
    if latest is not None:
        approvals = [r for r in approvals if r.decided_at and r.decided_at > latest.published_at]
    blockers = []
    if postmortem.review_round == 0 or len(approvals) < policy.required_approvals:
        blockers.append(
            ngettext(
                "It needs %(need)s approval with every checklist item confirmed; it has %(have)s.",
                "It needs %(need)s approvals with every checklist item confirmed; it has %(have)s.",
                policy.required_approvals,
            )
            % {"need": policy.required_approvals, "have": len(approvals)}
        )
    if any(r.decision == Decision.CHANGES_REQUESTED for r in current):
        blockers.append(_("A reviewer requested changes."))
    return blockers
