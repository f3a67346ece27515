from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.core.errors import InvalidState
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import MAX_SECTION_CHARS, Postmortem, Section, Status
from hansei.postmortems.document.queries import default_due_date, sections_missing_content
from hansei.postmortems.document.services import update_postmortem, update_section
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind
from hansei.postmortems.timeline.services import (
    add_timeline_entry,
    delete_timeline_entry,
    update_timeline_entry,
)
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db

FRIDAY = date(2025, 1, 3)


def _section(postmortem: Postmortem, key: str) -> Section:
    return Section.objects.get(postmortem=postmortem, key=key)


# --- drafting -------------------------------------------------------------------------------


def test_it_drafts_from_the_default_template_with_its_sections(make_postmortem, alice, payments):
    postmortem = make_postmortem()

    template = Template.objects.get(name="SRE book")
    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.status == Status.DRAFT
    assert stored.template == template
    assert stored.language == "en"
    assert stored.team == payments
    assert stored.created_by == alice
    assert stored.title == "Checkout API returned 500s"
    expected = [(t.key, t.title, t.kind, t.required, t.help_text) for t in template.sections.all()]
    copied = [(s.key, s.title, s.kind, s.required, s.help_text) for s in stored.sections.all()]
    assert copied == expected
    assert Incident.objects.get().postmortem == stored


def test_it_prefills_the_summary_and_the_impact(make_postmortem, make_incident, checkout):
    incident = make_incident(services=[checkout], data_loss=True)

    postmortem = make_postmortem(complete=False, incident=incident)

    assert _section(postmortem, "summary").body == (
        "Payments failed for 50 minutes after a config push."
    )
    impact = _section(postmortem, "impact").body
    assert "- Affected services: Checkout" in impact
    assert "- User-visible downtime: 50 minutes" in impact
    assert "- Data was lost." in impact
    assert _section(postmortem, "root_causes").body == ""


def test_it_adds_a_key_timeline_entry_per_milestone(make_postmortem, make_incident):
    incident = make_incident(acknowledged_at=None)

    postmortem = make_postmortem(incident=incident)

    entries = list(TimelineEntry.objects.filter(postmortem=postmortem, is_key_event=True))
    assert [e.occurred_at for e in entries] == [
        incident.started_at,
        incident.detected_at,
        incident.mitigated_at,
        incident.resolved_at,
    ]
    assert all(e.kind == TimelineKind.MILESTONE and e.is_key_event for e in entries)
    assert entries[0].text == "Started: Checkout API returned 500s"
    started = incident.events.get(key__startswith="milestone:started_at:")
    assert entries[0].source == f"event:{started.pk}"


def test_the_commander_owns_the_draft(make_postmortem, make_incident, alice, bob):
    postmortem = make_postmortem(actor=alice, incident=make_incident(commander=bob))

    assert Postmortem.objects.get(pk=postmortem.pk).owner == bob


def test_the_actor_owns_the_draft_without_a_commander(make_postmortem, bob):
    postmortem = make_postmortem(actor=bob)

    assert Postmortem.objects.get(pk=postmortem.pk).owner == bob


def test_the_actor_owns_the_draft_when_the_commander_cannot(
    make_postmortem, make_incident, alice, charlie
):
    postmortem = make_postmortem(actor=alice, incident=make_incident(commander=charlie))

    assert Postmortem.objects.get(pk=postmortem.pk).owner == alice


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_it_refuses_an_owner_who_is_not_a_writer_on_the_team(make_postmortem, request, who):
    with pytest.raises(ValidationError) as excinfo:
        make_postmortem(owner=request.getfixturevalue(who))

    assert "owner" in excinfo.value.message_dict
    assert Postmortem.objects.count() == 0
    assert Incident.objects.get().postmortem is None


def test_it_refuses_an_inactive_owner(make_postmortem, bob):
    bob.is_active = False
    bob.save()

    with pytest.raises(ValidationError):
        make_postmortem(owner=bob)

    assert Postmortem.objects.count() == 0


def test_it_refuses_charlie_drafting_a_payments_postmortem(make_postmortem, make_incident, charlie):
    incident = make_incident()

    with pytest.raises(PermissionDenied):
        make_postmortem(actor=charlie, incident=incident)

    assert Postmortem.objects.count() == 0


def test_it_refuses_a_second_draft_for_the_same_incident(make_postmortem, make_incident, bob):
    incident = make_incident()
    first = make_postmortem(incident=incident)

    with pytest.raises(InvalidState):
        make_postmortem(actor=bob, incident=incident)

    assert list(Postmortem.objects.all()) == [first]
    assert Incident.objects.get(pk=incident.pk).postmortem == first


def test_it_refuses_a_due_date_in_the_past(make_postmortem):
    yesterday = timezone.localdate() - timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        make_postmortem(due_date=yesterday)

    assert "due_date" in excinfo.value.message_dict
    assert Postmortem.objects.count() == 0


def test_it_accepts_a_due_date_of_today(make_postmortem):
    postmortem = make_postmortem(due_date=timezone.localdate())

    assert Postmortem.objects.get(pk=postmortem.pk).due_date == timezone.localdate()


def test_it_refuses_a_title_over_200_characters(make_postmortem):
    with pytest.raises(ValidationError):
        make_postmortem(title="t" * 201)

    assert Postmortem.objects.count() == 0


def test_it_refuses_to_draft_without_any_template(make_postmortem, make_incident):
    incident = make_incident()
    Template.objects.all().delete()

    with pytest.raises(InvalidState):
        make_postmortem(incident=incident)

    assert Postmortem.objects.count() == 0


def test_a_sev1_is_due_in_three_calendar_days(sev):
    assert default_due_date(sev(1), FRIDAY) == date(2025, 1, 6)


def test_a_sev2_is_due_in_five_business_days_across_the_weekend(sev):
    assert default_due_date(sev(2), FRIDAY) == date(2025, 1, 10)
    assert default_due_date(sev(2), date(2025, 1, 4)) == date(2025, 1, 10)
    assert default_due_date(sev(2), date(2025, 1, 6)) == date(2025, 1, 13)


def test_a_draft_gets_the_default_due_date_of_its_severity(
    make_postmortem, make_incident, sev, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: FRIDAY)
    sev1 = make_postmortem(incident=make_incident(severity=sev(1)))
    sev2 = make_postmortem(incident=make_incident(severity=sev(2)))

    assert Postmortem.objects.get(pk=sev1.pk).due_date == date(2025, 1, 6)
    assert Postmortem.objects.get(pk=sev2.pk).due_date == date(2025, 1, 10)


def test_a_japanese_template_creates_japanese_sections(make_postmortem, make_incident, alice, bob):
    template = Template.objects.get(language="ja")
    incident = make_incident(commander=alice, responders=[bob])

    postmortem = make_postmortem(incident=incident, template=template)

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.language == "ja"
    assert [s.title for s in stored.sections.all()][:3] == ["担当者", "概要", "影響"]
    assert _section(stored, "gaiyou").body == incident.summary
    assert _section(stored, "tantousha").body == "- Alice\n- Bob"
    assert _section(stored, "eikyou").body.startswith("- ")


def test_a_japanese_speaker_gets_the_japanese_template_by_default(make_postmortem, alice):
    alice.language = "ja"
    alice.save()

    postmortem = make_postmortem(actor=alice)

    assert Postmortem.objects.get(pk=postmortem.pk).template.language == "ja"


# --- editing --------------------------------------------------------------------------------


def test_it_saves_a_section_in_draft(make_postmortem, bob):
    postmortem = make_postmortem()
    section = _section(postmortem, "root_causes")

    returned = update_section(actor=bob, section=section, body="A config\r\nwas pushed.")

    stored = _section(postmortem, "root_causes")
    assert returned.body == stored.body == "A config\nwas pushed."
    assert stored.updated_by == bob


def test_it_refuses_an_oversized_section_and_keeps_the_old_body(make_postmortem, alice):
    postmortem = make_postmortem()
    section = _section(postmortem, "root_causes")
    update_section(actor=alice, section=section, body="Before")

    with pytest.raises(ValidationError) as excinfo:
        update_section(actor=alice, section=section, body="x" * (MAX_SECTION_CHARS + 1))

    assert "body" in excinfo.value.message_dict
    assert _section(postmortem, "root_causes").body == "Before"


def test_it_accepts_a_section_of_exactly_the_limit(make_postmortem, alice):
    postmortem = make_postmortem()

    update_section(
        actor=alice, section=_section(postmortem, "glossary"), body="x" * MAX_SECTION_CHARS
    )

    assert len(_section(postmortem, "glossary").body) == MAX_SECTION_CHARS


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_it_refuses_edits_from_outside_the_team(make_postmortem, request, who):
    postmortem = make_postmortem()

    with pytest.raises(PermissionDenied):
        update_section(
            actor=request.getfixturevalue(who),
            section=_section(postmortem, "summary"),
            body="Someone else's fault",
        )

    assert _section(postmortem, "summary").body.startswith("Payments failed")


def test_it_refuses_edits_while_in_review(make_postmortem, alice, rita):
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    with pytest.raises(InvalidState):
        update_section(actor=alice, section=_section(postmortem, "summary"), body="Changed")

    assert _section(postmortem, "summary").body.startswith("Payments failed")


def test_it_refuses_edits_once_published(published_postmortem, alice):
    with pytest.raises(InvalidState) as excinfo:
        update_section(
            actor=alice, section=_section(published_postmortem, "summary"), body="Changed"
        )

    assert "amendment" in excinfo.value.message
    assert _section(published_postmortem, "summary").body.startswith("Payments failed")


def test_it_lists_required_text_sections_still_empty(make_postmortem, alice):
    postmortem = make_postmortem(complete=False)

    missing = {s.key for s in sections_missing_content(postmortem)}

    assert missing == {"root_causes", "trigger", "resolution", "detection"}


def test_it_updates_the_details_of_a_draft(make_postmortem, alice, bob):
    postmortem = make_postmortem()
    due = timezone.localdate() + timedelta(days=10)

    update_postmortem(
        actor=alice,
        postmortem=postmortem,
        title=" Checkout outage ",
        owner=bob,
        due_date=due,
        restricted=True,
    )

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert (stored.title, stored.owner, stored.due_date, stored.restricted) == (
        "Checkout outage",
        bob,
        due,
        True,
    )


def test_it_refuses_bad_details_and_keeps_the_draft(make_postmortem, alice, charlie):
    postmortem = make_postmortem()

    with pytest.raises(ValidationError):
        update_postmortem(actor=alice, postmortem=postmortem, title="  ")
    with pytest.raises(ValidationError):
        update_postmortem(actor=alice, postmortem=postmortem, owner=charlie)
    with pytest.raises(ValidationError):
        update_postmortem(
            actor=alice, postmortem=postmortem, due_date=timezone.localdate() - timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        update_postmortem(actor=charlie, postmortem=postmortem, title="Mine")

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.title == "Checkout API returned 500s"
    assert stored.owner.username == "alice"


def test_saving_details_from_a_stale_copy_does_not_undo_a_submission(make_postmortem, alice, rita):
    postmortem = make_postmortem()
    stale = Postmortem.objects.get(pk=postmortem.pk)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    later = postmortem.due_date + timedelta(days=2)

    update_postmortem(actor=alice, postmortem=stale, due_date=later)

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.due_date == later
    assert stored.status == Status.IN_REVIEW
    assert stored.review_round == 1


def test_details_of_a_published_postmortem_need_an_amendment(published_postmortem, alice):
    stale = Postmortem.objects.get(pk=published_postmortem.pk)
    stale.status = Status.DRAFT

    with pytest.raises(InvalidState):
        update_postmortem(actor=alice, postmortem=stale, title="Rewritten history")

    assert Postmortem.objects.get(pk=published_postmortem.pk).title == "Checkout API returned 500s"


# --- timeline -------------------------------------------------------------------------------


def test_it_adds_a_timeline_entry(make_postmortem, bob):
    postmortem = make_postmortem()
    when = timezone.now() - timedelta(hours=2, minutes=55)

    entry = add_timeline_entry(
        actor=bob,
        postmortem=postmortem,
        occurred_at=when,
        text="  Paged the on-call  ",
        kind=TimelineKind.ESCALATION,
        is_key_event=True,
    )

    stored = TimelineEntry.objects.get(pk=entry.pk)
    assert (stored.occurred_at, stored.text, stored.kind, stored.is_key_event) == (
        when,
        "Paged the on-call",
        TimelineKind.ESCALATION,
        True,
    )
    assert stored.created_by == bob
    assert stored.source == ""


@pytest.mark.parametrize(
    ("occurred", "text", "kind", "field"),
    [
        (None, "Something", TimelineKind.EVENT, "occurred_at"),
        (True, "   ", TimelineKind.EVENT, "text"),
        (True, "x" * 2001, TimelineKind.EVENT, "text"),
        (True, "Something", "gossip", "kind"),
    ],
)
def test_it_refuses_a_bad_timeline_entry(make_postmortem, alice, occurred, text, kind, field):
    postmortem = make_postmortem()
    before = TimelineEntry.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        add_timeline_entry(
            actor=alice,
            postmortem=postmortem,
            occurred_at=timezone.now() if occurred else None,
            text=text,
            kind=kind,
        )

    assert field in excinfo.value.message_dict
    assert TimelineEntry.objects.count() == before


def test_it_edits_a_timeline_entry(make_postmortem, alice):
    postmortem = make_postmortem()
    entry = add_timeline_entry(
        actor=alice, postmortem=postmortem, occurred_at=timezone.now(), text="Rollback"
    )
    when = timezone.now() - timedelta(hours=1)

    update_timeline_entry(
        actor=alice,
        entry=entry,
        occurred_at=when,
        text="Rolled back the config",
        kind=TimelineKind.ACTION,
        is_key_event=True,
    )

    stored = TimelineEntry.objects.get(pk=entry.pk)
    assert (stored.occurred_at, stored.text, stored.kind, stored.is_key_event) == (
        when,
        "Rolled back the config",
        TimelineKind.ACTION,
        True,
    )


def test_it_keeps_a_timeline_entry_when_an_edit_is_invalid(make_postmortem, alice):
    postmortem = make_postmortem()
    entry = add_timeline_entry(
        actor=alice, postmortem=postmortem, occurred_at=timezone.now(), text="Rollback"
    )

    with pytest.raises(ValidationError):
        update_timeline_entry(
            actor=alice, entry=entry, occurred_at=None, text="", kind="x", is_key_event=False
        )

    assert TimelineEntry.objects.get(pk=entry.pk).text == "Rollback"


def test_it_deletes_a_timeline_entry(make_postmortem, alice):
    postmortem = make_postmortem()
    entry = add_timeline_entry(
        actor=alice, postmortem=postmortem, occurred_at=timezone.now(), text="Noise"
    )

    delete_timeline_entry(actor=alice, entry=entry)

    assert not TimelineEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_charlie_touching_the_timeline(make_postmortem, alice, charlie):
    postmortem = make_postmortem()
    entry = add_timeline_entry(
        actor=alice, postmortem=postmortem, occurred_at=timezone.now(), text="Rollback"
    )

    with pytest.raises(PermissionDenied):
        add_timeline_entry(
            actor=charlie, postmortem=postmortem, occurred_at=timezone.now(), text="Hi"
        )
    with pytest.raises(PermissionDenied):
        delete_timeline_entry(actor=charlie, entry=entry)

    assert TimelineEntry.objects.filter(pk=entry.pk).exists()
    assert not TimelineEntry.objects.filter(text="Hi").exists()


def test_it_refuses_timeline_changes_while_in_review(make_postmortem, alice, rita):
    postmortem = make_postmortem()
    entry = TimelineEntry.objects.filter(postmortem=postmortem).first()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    with pytest.raises(InvalidState):
        add_timeline_entry(actor=alice, postmortem=postmortem, occurred_at=timezone.now(), text="x")
    with pytest.raises(InvalidState):
        delete_timeline_entry(actor=alice, entry=entry)

    assert TimelineEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "change", [{"title": "Another title"}, {"restricted": True}, {"owner": "bob"}]
)
def test_it_keeps_what_reviewers_approve_while_in_review_but_lets_the_due_date_move(
    request: Any, approved_postmortem: Any, alice: Any, change: dict[str, Any]
) -> None:
    if "owner" in change:
        change = {"owner": request.getfixturevalue(change["owner"])}
    before = (
        approved_postmortem.title,
        approved_postmortem.owner_id,
        approved_postmortem.restricted,
    )

    with pytest.raises(InvalidState, match="in review"):
        update_postmortem(actor=alice, postmortem=approved_postmortem, **change)
    later = approved_postmortem.due_date + timedelta(days=7)
    update_postmortem(actor=alice, postmortem=approved_postmortem, due_date=later)

    approved_postmortem.refresh_from_db()
    after = (
        approved_postmortem.title,
        approved_postmortem.owner_id,
        approved_postmortem.restricted,
    )
    assert after == before
    assert approved_postmortem.due_date == later


def test_an_amendment_gets_its_own_due_date(published_postmortem, alice):
    from hansei.postmortems.document.services import start_amendment

    long_ago = timezone.localdate() - timedelta(days=40)
    Postmortem.objects.filter(pk=published_postmortem.pk).update(due_date=long_ago)
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    severity = amended.incidents.get().severity
    assert amended.due_date == default_due_date(severity)
    assert amended.due_date >= timezone.localdate()
    amended.refresh_from_db()
    assert amended.due_date == default_due_date(severity)  # saved, not only returned
