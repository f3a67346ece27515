from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.action_items.models import ActionItem
from hansei.culture.awards.models import Vote
from hansei.culture.awards.months import month_of
from hansei.culture.awards.services import nominate_postmortem
from hansei.culture.feedback.models import Survey, SurveyInvitation
from hansei.culture.kudos.services import give_kudos
from hansei.culture.leaders.queries import leaders_view
from hansei.culture.tests.conftest import moment

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urgent(postmortem: Any, title: str, priority: str, **extra: Any) -> ActionItem:
    """An item it was published with (a published postmortem takes none through services)."""
    item = ActionItem.objects.create(postmortem=postmortem, title=title, priority=priority, **extra)
    ActionItem.objects.filter(pk=item.pk).update(created_at=moment(2025, 3, 1))
    return item


@pytest.mark.parametrize(
    ("who", "status"), [("ada", 200), ("alice", 200), ("bob", 403), ("charlie", 403), ("rita", 403)]
)
def test_it_is_for_admins_and_team_leads(request: Any, who: str, status: int) -> None:
    user = request.getfixturevalue(who)
    assert signed_in(user).get(reverse("culture:leaders")).status_code == status


def test_the_programs_page_links_it_only_for_those_who_may_read_it(alice: Any, bob: Any) -> None:
    url = reverse("culture:leaders")
    assert url in signed_in(alice).get(reverse("culture:programs")).content.decode()
    page = signed_in(bob).get(reverse("culture:programs")).content.decode()
    assert url not in page and reverse("culture:pack_latest") in page


def test_it_lists_open_p0_and_p1_items_the_viewer_may_see(
    publish: Any, alice: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    from hansei.accounts.models import Membership

    public = publish("Checkout outage")
    hidden = publish("Leaked keys", restricted=True)
    late = urgent(public, "Rotate the pager", "P0", owner=bob, due_date=date(2025, 3, 5))
    urgent(public, "Add a canary", "P1")
    urgent(public, "Tidy the runbook", "P2")
    urgent(public, "Already done", "P0", status="done")
    urgent(hidden, "Revoke the keys", "P0")
    Membership.objects.filter(user=charlie).update(is_lead=True)

    seen = {u.item.title: u for u in leaders_view(charlie, month_of(timezone.now())).urgent}

    assert sorted(seen) == ["Add a canary", "Rotate the pager"]
    assert seen["Rotate the pager"].overdue and not seen["Add a canary"].overdue
    assert seen["Rotate the pager"].age_days == (timezone.localdate() - date(2025, 3, 1)).days
    admin = [u.item.title for u in leaders_view(ada, month_of(timezone.now())).urgent]
    assert sorted(admin) == ["Add a canary", "Revoke the keys", "Rotate the pager"]
    assert admin[-1] == "Add a canary"  # P0 first
    page = signed_in(charlie).get(reverse("culture:leaders")).content.decode()
    assert "Rotate the pager" in page and "Revoke the keys" not in page
    assert late.owner is not None and late.owner.name in page


def test_it_counts_participation_never_who_voted_or_what_was_answered(
    publish: Any, alice: Any, bob: Any, rita: Any, ada: Any
) -> None:
    postmortem = publish("Checkout outage")
    nomination = nominate_postmortem(actor=bob, postmortem=postmortem, reason="Deep whys.")
    Vote.objects.create(round=nomination.round, nomination=nomination, voter=bob)
    Vote.objects.create(round=nomination.round, nomination=nomination, voter=rita)
    give_kudos(actor=bob, postmortem=postmortem, receiver=alice, kind="writing", message="Clear.")
    survey = Survey.objects.get(postmortem=postmortem)
    SurveyInvitation.objects.filter(survey=survey).delete()
    SurveyInvitation.objects.create(survey=survey, user=bob, answered=True)
    SurveyInvitation.objects.create(survey=survey, user=rita)
    this_month = month_of(timezone.now())
    month = nomination.round.month

    rows = {row.month: row for row in leaders_view(ada, this_month).participation}

    row = rows[month]
    assert (row.nominations, row.voters) == (1, 2)
    survey_month = month_of(survey.opened_at)
    assert (rows[survey_month].asked, rows[survey_month].answered) == (2, 1)
    assert rows[survey_month].response_rate == 50
    assert rows[month_of(timezone.now())].kudos == 1
    assert len(rows) == 6
    page = signed_in(ada).get(reverse("culture:leaders")).content.decode()
    assert "Rita" not in page  # voters and those asked are counted, never named


def test_it_shows_what_was_learned_and_what_waits(
    publish: Any, make_postmortem: Any, alice: Any, rita: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    published = publish("Checkout outage")
    published.sections.filter(key="went_wrong").update(body="Draft-only words.")
    waiting = make_postmortem(title="Search outage")
    submit_for_review(actor=alice, postmortem=waiting, reviewers=[rita])
    late = make_postmortem(title="Queue backlog")
    type(late).objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=2))

    view = leaders_view(alice, month_of(timezone.now()))

    assert [learned.title for learned in view.learned] == ["Checkout outage"]
    assert [p.title for p in view.in_review] == ["Search outage"]
    assert [p.title for p in view.overdue] == ["Queue backlog"]
    page = signed_in(alice).get(reverse("culture:leaders")).content.decode()
    assert "Draft-only words." not in page  # lessons come from the published revision
    assert reverse("culture:pack", args=[view.month.year, view.month.month]) in page


@pytest.mark.parametrize("month", ["2025-13", "nonsense", "9999-01"])
def test_it_refuses_a_month_that_is_not_one(ada: Any, month: str) -> None:
    answer = signed_in(ada).get(reverse("culture:leaders"), {"month": month})
    assert answer.status_code == 404


def test_it_counts_reading_sessions_held_and_drills_run(
    make_incident: Any, make_postmortem: Any, alice: Any, bob: Any, charlie: Any, rita: Any,
    ada: Any,
) -> None:  # fmt: skip
    from datetime import timedelta

    from hansei.culture.drills.services import create_drill, join_drill, start_drill
    from hansei.culture.reading.services import cancel_session, record_attendance, schedule_session
    from hansei.culture.tests.drill_story import story_postmortem

    now = timezone.now()
    held = schedule_session(
        actor=alice, title="Held", starts_at=now - timedelta(minutes=30), facilitator=alice
    )
    record_attendance(actor=alice, session=held, people=[alice, bob, rita])
    schedule_session(actor=alice, title="Next", starts_at=now + timedelta(days=3), facilitator=bob)
    cancelled = schedule_session(
        actor=alice, title="Off", starts_at=now + timedelta(hours=2), facilitator=bob
    )
    cancel_session(actor=alice, session=cancelled)
    story = story_postmortem(make_incident, make_postmortem, alice, bob, charlie, rita)
    drill = create_drill(actor=alice, postmortem=story, game_master=rita)
    join_drill(actor=bob, drill=drill)
    join_drill(actor=charlie, drill=drill)
    create_drill(actor=alice, postmortem=story, game_master=rita)  # planned: not run yet
    start_drill(actor=rita, drill=drill)

    rows = {r.month: r for r in leaders_view(ada, month_of(now)).participation}

    # (Each in its own month: a test run just after midnight on the 1st splits them.)
    session_row, drill_row = rows[month_of(held.starts_at)], rows[month_of(now)]
    assert (session_row.sessions, session_row.attendees) == (1, 3)
    assert (drill_row.drills, drill_row.players) == (1, 2)
