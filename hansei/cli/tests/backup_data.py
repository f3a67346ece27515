"""A database with a row in every table, and every table read back raw, for the backup tests.

The demo brings teams, people, incidents, postmortems in every state, reviews, revisions,
live-editing updates and the search index; ``fill_the_rest`` adds what the demo leaves empty
(sessions, tokens, comments, integrations, admin log...), with awkward values on purpose:
Japanese and emoji, quotes and newlines, JSON null and nesting, decimals with trailing zeros,
an IPv6 address, a 62-bit integer, microseconds.

``every_table`` reads every table the database has (not only those the backup code knows) as
the driver returns it, so a comparison catches a value the ORM would round off.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

AWKWARD = 'Ünïcode 反省 🚒 "quotes" \\ back\nslash\ttab'
# Tables of SQLite's FTS5 index other than the index itself: their pages depend on the order
# of insertion, the index content (search_fts) is what must come back.
FTS_SHADOW = ("search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config")
FTS_CONTENT = "search_fts_content"


def fill_the_rest() -> None:
    """Rows in every table the demo leaves empty (test data, written directly)."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client
    from django.urls import reverse

    from hansei.accounts.models import Invitation, SsoIdentity, Team, User
    from hansei.accounts.services import create_api_token

    emma = User.objects.get(username="emma")
    team = Team.objects.order_by("pk").first()
    assert team is not None
    group = Group.objects.create(name="Auditors")
    group.permissions.add(*Permission.objects.order_by("pk")[:3])
    emma.groups.add(group)
    emma.user_permissions.add(Permission.objects.order_by("pk").last())
    Client().force_login(emma)  # a session row
    # A failed sign-in through the form: whatever the throttling keeps about it.
    Client().post(reverse("accounts:login"), {"username": "emma", "password": "wrong"})
    create_api_token(actor=emma, name=AWKWARD[:40])
    invitation = Invitation.objects.create(
        email="ünï@example.com", role="reviewer", invited_by=emma,
        created_at=timezone.now(), expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    invitation.teams.add(team)
    SsoIdentity.objects.create(
        user=emma, issuer="https://sso.example.com", subject="0042", last_sign_in_at=None
    )
    LogEntry.objects.create(
        user=emma,
        content_type=ContentType.objects.get_for_model(Team),
        object_id=str(team.pk),
        object_repr=team.name,
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Description"]}}]',
    )
    _fill_work(emma, team)
    _fill_postmortem_parts(emma, team)
    _fill_notification_choices(emma, team)
    _fill_trackers(team)
    _fill_follow_through(emma)


def _fill_follow_through(emma: Any) -> None:
    from hansei.action_items.models import ActionItem, CarriedItem, Recurrence
    from hansei.incidents.models import Service
    from hansei.postmortems.analysis.models import ContributingFactorCategory
    from hansei.postmortems.document.models import Postmortem

    first, last = Postmortem.objects.order_by("pk")[0], Postmortem.objects.order_by("-pk")[0]
    item = ActionItem.objects.filter(postmortem=first).order_by("pk").first()
    assert item is not None and first != last
    Recurrence.objects.create(
        item=item, postmortem=last, factor=ContributingFactorCategory.objects.order_by("pk")[0],
        service=Service.objects.order_by("pk")[0],
    )  # fmt: skip
    CarriedItem.objects.create(item=item, postmortem=last, carried_by=emma)


def _fill_trackers(team: Any) -> None:
    from hansei.action_items.models import ActionItem
    from hansei.integrations.models import TrackerConfig, TrackerEvent, TrackerLink

    item = ActionItem.objects.order_by("pk").first()
    assert item is not None
    config = TrackerConfig.objects.create(
        team=team, kind="jira_cloud", base_url="https://acme.atlassian.net",
        account="bot@acme.example", token_variable="HANSEI_TRACKER_JIRA_TOKEN", project="OPS",
        issue_type="Task", priority_mapping={"P0": "Highest", "P3": 4},
        labels=["postmortem", AWKWARD[:50]], done_states=["Done"], wont_do_states=["Won't Do"],
        auto_create="on_publish", last_error=AWKWARD[:500], last_error_at=timezone.now(),
    )  # fmt: skip
    TrackerLink.objects.create(
        item=item, config=config, kind="jira_cloud", state="linked", key="OPS-7",
        remote_id="OPS-7", url="https://acme.atlassian.net/browse/OPS-7", remote_state="In Review",
        synced={"title": AWKWARD, "status": "open", "due_date": None, "assignee": ""},
        local_changed_at=timezone.now(), remote_updated_at=timezone.now(),
        synced_at=timezone.now(), last_error="",
    )  # fmt: skip
    TrackerEvent.objects.create(
        config=config, item=item, kind="jira_cloud", direction="in", action="jira:issue_updated",
        outcome="accepted", status_code=200, detail=AWKWARD[:500], event_key="e1",
        body_excerpt=AWKWARD, remote_addr="192.0.2.7",
    )  # fmt: skip


def _fill_notification_choices(emma: Any, team: Any) -> None:
    from hansei.incidents.models import Severity
    from hansei.integrations.models import ChatRoute
    from hansei.notifications.models import (
        DigestChoice,
        FeedToken,
        Preference,
        ReadRequest,
        Subscription,
        WorkingHours,
    )
    from hansei.postmortems.document.models import Postmortem, ReadReceipt
    from hansei.reviews.models import ReviewMeeting, ReviewMeetingInvitation

    postmortem = Postmortem.objects.order_by("pk").first()
    assert postmortem is not None
    Preference.objects.create(user=emma, kind="mention", channel="email", enabled=False)
    Subscription.objects.create(user=emma, team=team)
    Subscription.objects.create(user=emma, severity=Severity.objects.order_by("level").first())
    DigestChoice.objects.create(user=emma, frequency="daily")
    WorkingHours.objects.create(user=emma, start_hour=7, end_hour=16)
    FeedToken.objects.create(user=emma, key_hash="f" * 64, last_read_at=timezone.now())
    ReadReceipt.objects.create(postmortem=postmortem, user=emma, revision=1)
    ReadRequest.objects.create(postmortem=postmortem, team=team, requested_by=emma)
    ChatRoute.objects.create(
        name=AWKWARD[:100], kind="webhook", team=team, target="https://hooks.example.com/x?a=1",
        secret="s" * 64, events=["published", "digest"], max_severity=2,
        last_error=AWKWARD, last_error_at=timezone.now(),
    )  # fmt: skip
    meeting = ReviewMeeting.objects.create(
        postmortem=postmortem, starts_at=timezone.now() + timedelta(days=2), duration=45,
        location="https://meet.example.com/反省", agenda=AWKWARD, organizer=emma, sequence=3,
        uid="backup-meeting@hansei.example.com",
    )  # fmt: skip
    ReviewMeetingInvitation.objects.create(meeting=meeting, person=emma, removed_in=None)


def _fill_work(emma: Any, team: Any) -> None:
    from hansei.collab.comments.models import Comment, CommentThread
    from hansei.core.jobs import enqueue
    from hansei.incidents.models import Incident, Severity
    from hansei.integrations.models import Delivery, ExternalIncident, Integration
    from hansei.notifications.models import Notification
    from hansei.postmortems.document.models import Postmortem

    postmortem = Postmortem.objects.order_by("pk").first()
    incident = Incident.objects.order_by("pk").first()
    assert postmortem is not None and incident is not None
    enqueue("notifications.send_email", {"to": ["a@example.com"], "n": 1.5, "x": None})
    Notification.objects.create(
        recipient=emma, actor=emma, kind="mention", postmortem=postmortem,
        text=AWKWARD, url="/postmortems/1/", read_at=timezone.now(),
    )  # fmt: skip
    thread = CommentThread.objects.create(
        postmortem=postmortem, section_key="summary", anchor_start="AQID", anchor_end="BAUG",
        quote=AWKWARD, created_by=emma, resolved_by=emma, resolved_at=timezone.now(),
    )  # fmt: skip
    comment = Comment.objects.create(thread=thread, author=emma, body=AWKWARD)
    comment.mentions.add(emma)
    integration = Integration.objects.create(
        kind="alertmanager", name="Alerts", team=team,
        default_severity=Severity.objects.order_by("level").first(),
        severity_mapping={"critical": 1, "nested": {"list": [1, None, "二"]}},
        service_mapping={},
    )  # fmt: skip
    ExternalIncident.objects.create(
        integration=integration, external_id="ext-1", incident=incident,
        url="https://alerts.example.com/1", last_status="resolved",
    )  # fmt: skip
    Delivery.objects.create(
        integration=integration, kind="alertmanager", outcome="accepted", status_code=201,
        event_type="firing", event_key="k1", incident=incident,
        body_excerpt=AWKWARD, remote_addr="2001:db8::1",
    )  # fmt: skip


def _fill_postmortem_parts(emma: Any, team: Any) -> None:
    from hansei.accounts.models import User
    from hansei.culture.awards.models import AwardRound, Nomination, Vote
    from hansei.culture.drills.models import Drill, DrillCard, DrillPlayer, DrillQuestion
    from hansei.culture.feedback.models import Survey, SurveyAnswer
    from hansei.culture.kudos.models import Kudos
    from hansei.culture.reading.models import (
        Participation,
        Reading,
        ReadingList,
        ReadingSession,
        SessionComment,
    )
    from hansei.postmortems.analysis.models import (
        ContributingFactor,
        ContributingFactorCategory,
        PostmortemImpact,
        WhyChain,
    )
    from hansei.postmortems.customer.models import CustomerReport, CustomerRevision
    from hansei.postmortems.document.models import Postmortem, Revision
    from hansei.postmortems.writing_check.models import LintDismissal, LintVocabulary
    from hansei.search.models import SavedSearch, SearchTerm, Synonym

    postmortem = Postmortem.objects.order_by("pk").first()
    assert postmortem is not None
    sections = [{"key": "summary", "title": AWKWARD[:20], "body": AWKWARD, "required": True}]
    report, _created = CustomerReport.objects.get_or_create(
        postmortem=Postmortem.objects.order_by("-pk").first(),
        defaults={
            "template": "customer_en",
            "language": "ja",
            "title": AWKWARD[:50],
            "sections": sections,
            "public_token": "t" * 43,
        },
    )
    CustomerRevision.objects.create(
        report=report, number=7, language="ja", title=AWKWARD[:50], sections=sections
    )
    PostmortemImpact.objects.update_or_create(
        postmortem=postmortem,
        defaults={
            "affected_count": 2**62,
            "requests_failed_percent": Decimal("12.500"),
            "revenue_impact": Decimal("-0.10"),
            "revenue_currency": "JPY",
            "notes": AWKWARD,
            "updated_by": emma,
        },
    )
    WhyChain.objects.create(
        postmortem=postmortem, problem=AWKWARD[:100], whys=["why?", {"deep": [None, 1.25]}]
    )
    ContributingFactor.objects.create(
        postmortem=postmortem,
        category=ContributingFactorCategory.objects.order_by("pk").first(),
        description=AWKWARD,
        created_by=emma,
    )
    LintDismissal.objects.create(
        postmortem=postmortem, fingerprint="f" * 32, rule_id="blame", section_key="summary",
        text="careless", reason=AWKWARD, dismissed_by=emma,
        created_at=timezone.now() - timedelta(microseconds=1),
    )  # fmt: skip
    LintVocabulary.objects.create(team=None, data={"phrases": ["反省"], "people": []})
    LintVocabulary.objects.create(team=team, data={})
    SearchTerm.objects.get_or_create(word="backup")
    Synonym.objects.create(words=AWKWARD[:300], created_by=emma)
    SavedSearch.objects.create(
        user=emma,
        name=AWKWARD[:100],
        query=AWKWARD[:200],
        filters={"team": AWKWARD[:20], "year": 2026},
    )
    award_round = AwardRound.objects.create(
        month=date(1999, 12, 1),
        voting_opens_at=timezone.now() - timedelta(days=400),
        voting_closes_at=timezone.now() - timedelta(days=393),
    )
    nomination = Nomination.objects.create(
        round=award_round, postmortem=postmortem, nominated_by=emma, reason=AWKWARD[:1000]
    )
    Vote.objects.create(round=award_round, nomination=nomination, voter=emma)
    AwardRound.objects.filter(pk=award_round.pk).update(winner=nomination)
    Kudos.objects.create(
        giver=User.objects.exclude(pk=postmortem.owner_id).order_by("pk").first(),
        receiver=postmortem.owner, postmortem=postmortem, kind="writing",
        message=AWKWARD[:500], announced=True,
    )  # fmt: skip
    SurveyAnswer.objects.create(
        survey=Survey.objects.order_by("pk").first(), respondent=None, helped=1, toil=5, tools=3,
        change=AWKWARD[:2000],
    )  # fmt: skip
    reading_list = ReadingList.objects.create(
        title=AWKWARD[:200], description=AWKWARD[:2000], created_by=emma
    )
    readings = [
        Reading.objects.create(
            reading_list=reading_list, postmortem=postmortem, note=AWKWARD[:1000]
        ),
        Reading.objects.create(
            reading_list=reading_list, url="https://example.org/p?q=%E2%9C%93&x=" + "y" * 900,
            title=AWKWARD[:300], added_by=None,
        ),
    ]  # fmt: skip
    session = ReadingSession.objects.create(
        title=AWKWARD[:200], starts_at=timezone.now() - timedelta(days=2), duration=480,
        location=AWKWARD[:500], facilitator=emma, notes=AWKWARD, notes_by=emma,
        notes_at=timezone.now(), reminded_at=timezone.now(), cancelled_at=None,
    )  # fmt: skip
    session.readings.set(readings)
    Participation.objects.create(session=session, person=emma, going=True, attended=True)
    SessionComment.objects.create(session=session, author=emma, body=AWKWARD[:5000])
    revision = Revision.objects.select_related("postmortem__team").order_by("pk").first()
    assert revision is not None  # the demo publishes
    drill = Drill.objects.create(
        postmortem=revision.postmortem, revision=revision, team=revision.postmortem.team,
        title=AWKWARD[:200], game_master=emma, language="ja", opening=AWKWARD[:5000],
        answer_key=[{"title": AWKWARD[:50], "body": AWKWARD}, {"nested": [None, 1.5]}],
        status="finished", phase="mitigation", time_limit=240,
        started_at=timezone.now() - timedelta(hours=2), finished_at=timezone.now(),
        debrief=AWKWARD, debrief_by=emma, debrief_at=timezone.now(),
    )  # fmt: skip
    DrillCard.objects.create(
        drill=drill, position=0, phase="detection", offset_minutes=-5, text=AWKWARD[:2000],
        reveals=AWKWARD[:500], revealed_at=timezone.now(),
    )  # fmt: skip
    DrillQuestion.objects.create(drill=drill, phase="diagnosis", position=0, text=AWKWARD[:500])
    DrillPlayer.objects.create(drill=drill, person=emma)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the database but Django's migration record, rows sorted, as stored."""
    tables = [
        name
        for name in connection.introspection.table_names()
        if name != "django_migrations" and name not in FTS_SHADOW and name != FTS_CONTENT
    ]
    contents = {}
    with connection.cursor() as cursor:
        for name in tables:
            columns = "rowid, *" if name == "search_fts" else "*"
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(name)}")
            contents[name] = sorted((tuple(_plain(v) for v in row) for row in cursor), key=repr)
    return contents


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def empty_tables() -> list[str]:
    """Tables of Hansei's and Django's own apps without rows (other libraries' tables are
    compared all the same, but may stay empty: their rows are not ours to make)."""
    from django.apps import apps

    ours = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith(("hansei.", "django.contrib."))
    }
    return sorted(name for name, rows in every_table().items() if not rows and name in ours)
