from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from hansei.cli.main import main


def _load() -> Any:
    from hansei.demo.data import load_demo

    return load_demo()


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load once for the module, inside a transaction rolled back at the end; each test's own
    transaction is a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert _load() is True
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded: None, db: Any) -> None:
    return None


def test_it_loads_postmortems_in_every_status(demo: None) -> None:
    from hansei.postmortems.document.models import Postmortem, Status

    statuses = set(Postmortem.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    amended = [p for p in Postmortem.objects.all() if p.revisions.count() > 1]
    assert amended and all(p.status == Status.PUBLISHED for p in amended)
    amending = Postmortem.objects.filter(published_at__isnull=False, status=Status.DRAFT)
    assert amending.count() == 1
    for postmortem in Postmortem.objects.published():
        revision = postmortem.latest_revision()
        assert revision is not None
        assert revision.published_at <= timezone.now()


def test_it_loads_three_teams_eight_people_and_ten_incidents(demo: None) -> None:
    from hansei.accounts.models import Role, Team, User
    from hansei.incidents.models import Incident
    from hansei.incidents.policy import postmortem_requirement

    assert Team.objects.count() == 3
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(language="ja").count() == 1
    incidents = list(Incident.objects.all())
    assert len(incidents) == 10
    assert {i.severity.name for i in incidents} == {"SEV1", "SEV2", "SEV3", "SEV4"}
    requirements = [postmortem_requirement(i) for i in incidents]
    assert any(r.requested and not r.required for r in requirements)
    assert any(not r.needed for r in requirements)
    assert all(i.started_at >= timezone.now() - timezone.timedelta(days=100) for i in incidents)


def test_it_writes_one_postmortem_fully_in_japanese(demo: None) -> None:
    from hansei.postmortems.document.models import Postmortem, Status
    from hansei.postmortems.template_library.models import SectionKind

    [japanese] = Postmortem.objects.filter(language="ja")
    assert japanese.status == Status.PUBLISHED
    assert japanese.template is not None and japanese.template.language == "ja"
    assert japanese.owner.language == "ja"
    texts = japanese.sections.filter(kind=SectionKind.MARKDOWN)
    assert texts.count() >= 5 and all(s.body.strip() for s in texts)
    assert "障害" in japanese.title
    assert japanese.action_items.count() == 4
    assert "概要" in [s["title"] for s in japanese.latest_revision().snapshot["sections"]]


def test_it_covers_action_items_reviews_and_meeting_notes(demo: None) -> None:
    from hansei.action_items.models import ActionItem, ActionStatus, Priority
    from hansei.reviews.models import Decision, Review, ReviewMeetingNote

    assert set(ActionItem.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert set(ActionItem.objects.values_list("priority", flat=True)) == set(Priority.values)
    assert ActionItem.objects.overdue().exists()
    assert set(Review.objects.values_list("decision", flat=True)) == set(Decision.values)
    assert ReviewMeetingNote.objects.count() >= 2


def test_it_plays_the_culture_programs(demo: None) -> None:
    from hansei.culture.awards.models import AwardRound, Nomination, Vote
    from hansei.culture.kudos.models import Kudos

    assert Nomination.objects.count() >= 3
    # Every month whose window opened has its votes; every one it closed, its winner.
    for award_round in AwardRound.objects.filter(voting_opens_at__lte=timezone.now()):
        assert Vote.objects.filter(round=award_round).count() == 6
    closed = AwardRound.objects.filter(voting_closes_at__lte=timezone.now())
    assert closed.exists() and all(r.winner_id and r.announced_at for r in closed)
    assert Kudos.objects.filter(kind="writing", announced=True).exists()
    assert Kudos.objects.filter(kind="review").exists()
    # On the replayed clock, not all at the moment the demo was loaded.
    week_ago = timezone.now() - timedelta(days=7)
    assert Kudos.objects.filter(created_at__lt=week_ago).exists()
    assert Nomination.objects.filter(created_at__lt=week_ago).exists()


def test_it_answers_the_process_surveys(demo: None) -> None:
    from hansei.accounts.models import User
    from hansei.culture.feedback.models import SurveyAnswer, SurveyInvitation
    from hansei.culture.feedback.queries import results

    assert SurveyAnswer.objects.filter(respondent=None).exists()
    assert SurveyAnswer.objects.exclude(respondent=None).exists()
    assert SurveyInvitation.objects.filter(answered=False).exists()
    assert any(group.shown for group in results(User.objects.get(username="emma")))


def test_it_sends_no_email_about_the_replayed_history(demo: None) -> None:
    from hansei.core.models import Job

    assert not Job.objects.filter(kind__startswith="notifications.").exists()


def test_it_leaves_the_clock_alone(demo: None) -> None:
    from django.utils import timezone as tz

    assert abs((tz.now() - timezone.now()).total_seconds()) < 5
    assert tz.now.__module__ == "django.utils.timezone"


def test_it_is_idempotent(demo: None, capsys: Any) -> None:
    from hansei.postmortems.document.models import Postmortem

    before = Postmortem.objects.count()
    assert _load() is False
    assert main(["demo"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert Postmortem.objects.count() == before
