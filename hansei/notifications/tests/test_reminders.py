"""Reminders on a clock of the test's own: due soon, overdue, waiting reviews, escalation to
the team's leads, working hours in each person's time zone, and never twice a period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.notifications.models import Notification, NotificationKind, Preference
from hansei.notifications.reminders import send_reminders
from hansei.postmortems.document.services import update_postmortem
from hansei.reviews.models import Review
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db


def _wednesday_after(days: int) -> date:
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(2 - day.weekday()) % 7)


DUE = _wednesday_after(21)  # a Wednesday three weeks or so away: every date below is future


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def told(user: Any, kind: str) -> list[str]:
    return [n.text for n in Notification.objects.filter(recipient=user, kind=kind)]


@pytest.fixture
def due_draft(make_postmortem: Any, alice: Any, bob: Any) -> Any:
    """Bob's draft due on DUE; Alice leads Payments."""
    postmortem = make_postmortem()
    return update_postmortem(actor=alice, postmortem=postmortem, owner=bob, due_date=DUE)


def test_the_owner_hears_once_that_a_postmortem_is_due_soon(due_draft: Any, bob: Any):
    assert send_reminders(at(DUE - timedelta(days=7))) == 0  # not soon yet

    assert send_reminders(at(DUE - timedelta(days=1))) == 1
    assert send_reminders(at(DUE - timedelta(days=1), 15)) == 0  # the same day again
    assert send_reminders(at(DUE)) == 0  # the same due date: once

    [line] = told(bob, NotificationKind.POSTMORTEM_DUE)
    assert line == f"“Checkout API returned 500s” is due on {DUE.isoformat()}"
    job = Job.objects.get(kind="notifications.email", payload__template="postmortem_due")
    assert job.payload["recipient"] == bob.pk and job.payload["ids"] == {"overdue": 0}


def test_an_overdue_postmortem_is_repeated_weekly_and_escalated_to_the_lead_once(
    due_draft: Any, alice: Any, bob: Any
):
    thursday = DUE + timedelta(days=1)
    assert send_reminders(at(thursday)) == 1  # Bob; escalation only after 3 business days
    assert send_reminders(at(thursday + timedelta(days=1))) == 0  # the same week

    assert send_reminders(at(DUE + timedelta(days=5))) == 2  # Monday: a new week, and Alice
    assert send_reminders(at(DUE + timedelta(days=6))) == 0

    assert len(told(bob, NotificationKind.POSTMORTEM_DUE)) == 2
    [escalation] = Notification.objects.filter(recipient=alice)
    assert escalation.reason == "You lead the Payments team."
    assert "is not published" in escalation.text


def test_nobody_is_reminded_outside_their_working_hours(due_draft: Any, bob: Any):
    day_before = DUE - timedelta(days=1)
    saturday = DUE - timedelta(days=4)
    assert send_reminders(at(day_before, 7)) == 0  # 07:00 in UTC, Bob's zone: too early
    assert send_reminders(at(saturday)) == 0  # a weekend (and not yet soon)
    bob.time_zone = "Asia/Tokyo"
    bob.save()

    assert send_reminders(at(day_before, 7)) == 1  # 16:00 in Tokyo

    assert len(told(bob, NotificationKind.POSTMORTEM_DUE)) == 1


def _not_due_for_long(make_postmortem: Any, alice: Any) -> Any:
    postmortem = make_postmortem()
    return update_postmortem(actor=alice, postmortem=postmortem, due_date=DUE + timedelta(days=60))


def test_each_person_s_own_hours_are_their_quiet_hours(due_draft: Any, bob: Any):
    from hansei.notifications.services import set_working_hours

    day_before = DUE - timedelta(days=1)
    set_working_hours(actor=bob, start_hour=13, end_hour=15)

    assert send_reminders(at(day_before, 10)) == 0  # the site's day, not Bob's
    assert send_reminders(at(day_before, 14)) == 1


def test_a_review_that_waited_reminds_its_reviewer_weekly(
    make_postmortem: Any, alice: Any, rita: Any
):
    postmortem = _not_due_for_long(make_postmortem, alice)
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    asked = DUE - timedelta(days=2)  # a Monday
    Review.objects.filter(pk=review.pk).update(requested_at=at(asked))

    assert send_reminders(at(asked + timedelta(days=1))) == 0  # one business day: not yet
    assert send_reminders(at(asked + timedelta(days=2))) == 1
    assert send_reminders(at(asked + timedelta(days=3))) == 0

    [line] = told(rita, NotificationKind.REVIEW_WAITING)
    assert line == f"Your review of “Checkout API returned 500s” has waited since {asked}"


def test_action_items_are_reminded_by_priority(
    make_postmortem: Any, alice: Any, bob: Any, charlie: Any
):
    postmortem = _not_due_for_long(make_postmortem, alice)
    urgent = add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Cap retries", owner=bob, priority="P0", due_date=DUE),
    )
    later = add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Runbook", owner=charlie, priority="P3", due_date=DUE),
    )
    week_before = DUE - timedelta(days=7)

    assert send_reminders(at(week_before)) == 1  # the P3 item (10 business days ahead)
    assert send_reminders(at(DUE - timedelta(days=1))) == 1  # the P0 item, a day ahead
    # Overdue: the P0 item every day, the P3 item once a week.
    assert send_reminders(at(DUE + timedelta(days=1))) == 2
    assert send_reminders(at(DUE + timedelta(days=2))) == 1

    assert len(told(bob, NotificationKind.ACTION_ITEM_DUE)) == 3
    assert told(charlie, NotificationKind.ACTION_ITEM_DUE) == [  # newest first
        f"The action item “Runbook” was due on {DUE}",
        f"The action item “Runbook” is due on {DUE}",
    ]
    assert urgent.pk != later.pk


def test_an_owner_outside_the_team_is_reminded_without_the_postmortem_title(
    client: Any, make_postmortem: Any, alice: Any, charlie: Any
):
    postmortem = _not_due_for_long(make_postmortem, alice)  # a draft Charlie may not read
    add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(
            title="Share the pool fix", owner=charlie, priority="P1", due_date=DUE
        ),
    )

    send_reminders(at(DUE - timedelta(days=1)))

    client.force_login(charlie)
    inbox = client.get("/notifications/").content.decode()
    assert "“Share the pool fix” is due on" in inbox
    assert postmortem.title not in inbox
    emailed = Job.objects.filter(payload__template="action_item_due", payload__recipient=charlie.pk)
    assert emailed.count() == 1


def test_action_item_owners_hear_of_an_assignment_and_postmortem_owners_of_a_close(
    make_postmortem: Any, alice: Any, bob: Any
):
    from hansei.action_items.services import update_action_item

    postmortem = _not_due_for_long(make_postmortem, alice)
    mine = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Mine", owner=alice)
    )
    item = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Cap retries", owner=bob)
    )

    assert told(bob, NotificationKind.ACTION_ITEM_ASSIGNED) == [
        "Alice gave you the action item “Cap retries”"
    ]
    assert told(alice, NotificationKind.ACTION_ITEM_ASSIGNED) == []  # she took her own
    assert Job.objects.filter(payload__template="action_item_assigned").count() == 1
    update_action_item(
        actor=bob,
        item=item,
        data=ActionItemInput(title="Cap retries", owner=bob, status="done"),
    )
    assert told(alice, NotificationKind.ACTION_ITEM_CLOSED) == [
        "Bob closed the action item “Cap retries”"
    ]
    assert mine.pk


def test_a_close_is_mailed_to_a_postmortem_owner_who_chose_email(
    make_postmortem: Any, alice: Any, bob: Any, smtp_server: Any
) -> None:
    from hansei.action_items.services import update_action_item

    postmortem = _not_due_for_long(make_postmortem, alice)
    Preference.objects.create(user=alice, kind="action_item_closed", channel="email", enabled=True)
    item = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Cap retries", owner=bob)
    )
    Job.objects.all().delete()
    update_action_item(
        actor=bob,
        item=item,
        data=ActionItemInput(
            title="Cap retries", owner=bob, status="wont_do", wont_do_reason="Covered by #12."
        ),
    )
    assert run_pending() == 1

    [message] = smtp_server.messages
    assert message["Subject"] == "Dropped: Cap retries"
    body = message_text(message)
    assert 'Bob dropped the action item "Cap retries" of the postmortem' in body
    assert "Status: Won't do · Owner: Bob" in body


def _next_weekday_morning() -> datetime:
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return at(day)


def test_whoever_led_an_incident_hears_it_needs_a_postmortem_until_one_is_started(
    make_incident: Any, make_postmortem: Any, alice: Any, bob: Any, charlie: Any
):
    from hansei.notifications.emails import compose

    incident = make_incident(commander=bob)
    morning = _next_weekday_morning()

    assert send_reminders(morning) == 1
    assert send_reminders(morning + timedelta(hours=2)) == 0  # the same week

    [notice] = Notification.objects.filter(kind=NotificationKind.NEEDS_POSTMORTEM)
    assert notice.recipient == bob and notice.postmortem is None
    assert notice.text == "“Checkout API returned 500s” needs a postmortem and has none yet"
    assert notice.reason == "You led the response to this incident."
    assert notice.url == f"/incidents/{incident.pk}/"
    job = Job.objects.get(payload__template="needs_postmortem")
    mail = compose(job.payload)
    assert mail is not None and mail.to == [bob.email]
    assert "needs a postmortem, and none has been started yet" in mail.body
    # Once its postmortem is started, nobody hears of it again, not even from a queued e-mail.
    make_postmortem(incident=incident)
    assert compose(job.payload) is None
    send_reminders(morning + timedelta(days=7))
    assert Notification.objects.filter(kind=NotificationKind.NEEDS_POSTMORTEM).count() == 1
    assert not Notification.objects.filter(recipient=charlie).exists()


def test_without_a_commander_the_team_leads_hear_it(make_incident: Any, alice: Any, bob: Any):
    make_incident()

    send_reminders(_next_weekday_morning())

    [notice] = Notification.objects.filter(kind=NotificationKind.NEEDS_POSTMORTEM)
    assert notice.recipient == alice and notice.reason == "You lead the Payments team."
