"""The reading club and drills in the authorization matrices' world: per case, a list kept by
the admin with a reading the writer added (the case's postmortem, when it is published), a
session under way that the writer facilitates, with the writer's comment, and a drill of the
published postmortem whose game master is the writer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.culture.drills.models import Drill, DrillCard, DrillQuestion
from hansei.culture.reading.models import Reading, ReadingList, ReadingSession, SessionComment


def reading_club_ids(postmortem: Any, users: dict[str, Any]) -> dict[str, int]:
    admin, writer = users["admin"], users["writer"]
    reading_list = ReadingList.objects.create(title=f"List {postmortem.pk}", created_by=admin)
    # Written directly: the services would refuse a restricted postmortem, but one restricted
    # after it went on a list must stay hidden from those who may not read it.
    if postmortem.published_at is not None:
        reading = Reading.objects.create(
            reading_list=reading_list, postmortem=postmortem, added_by=writer
        )
    else:
        reading = Reading.objects.create(
            reading_list=reading_list,
            url=f"https://example.org/postmortems/{postmortem.pk}",
            title="Outside",
            added_by=writer,
        )
    session = ReadingSession.objects.create(
        title=f"Session {postmortem.pk}",
        starts_at=timezone.now() - timedelta(minutes=30),
        duration=240,
        facilitator=writer,
        created_by=admin,
    )
    session.readings.add(reading)
    comment = SessionComment.objects.create(session=session, author=writer, body="First.")
    return {
        "reading_list_id": reading_list.pk,
        "reading_id": reading.pk,
        "session_id": session.pk,
        "session_comment_id": comment.pk,
        "writer_id": writer.pk,
    }


def drill_ids(postmortem: Any, users: dict[str, Any]) -> dict[str, int]:
    """A drill of the case's postmortem, once published (written directly: its timeline is
    not the point here), with the writer as its game master and one card."""
    revision = postmortem.latest_revision()
    if revision is None:
        return {"drill_id": 0, "card_id": 0, "question_id": 0}
    drill = Drill.objects.create(
        postmortem=postmortem,
        revision=revision,
        team=postmortem.team,
        title=f"Drill {postmortem.pk}",
        game_master=users["writer"],
        opening="Checkout errors.",
    )
    card = DrillCard.objects.create(
        drill=drill, position=0, phase="detection", text="Pool at 0.", reveals="They look."
    )
    question = DrillQuestion.objects.create(
        drill=drill, position=0, phase="detection", text="What do you check first?"
    )
    return {"drill_id": drill.pk, "card_id": card.pk, "question_id": question.pk}
