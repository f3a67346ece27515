"""Replay one demo story through the services, step by step, on the simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone, translation

from hansei.action_items.services import ActionItemInput, add_action_item, update_action_item
from hansei.demo.clock import SimulatedClock
from hansei.demo.model import Action, Amendment, CustomerVersion, ReviewStep, Story, Writeup
from hansei.incidents.models import Severity
from hansei.incidents.services import IncidentInput, create_incident, request_postmortem
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.analysis.services import add_contributing_factor
from hansei.postmortems.customer import services as customer
from hansei.postmortems.document.services import (
    create_postmortem,
    publish_postmortem,
    start_amendment,
    update_section,
)
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.postmortems.writing_check.services import dismiss_finding
from hansei.reviews.models import CHECKLIST_KEYS
from hansei.reviews.services import (
    approve_review,
    record_meeting_note,
    request_changes,
    submit_for_review,
    withdraw_from_review,
)

# How long after publication an action item reached the status it has today.
PROGRESS_DAYS = {"in_progress": 2, "done": 9, "wont_do": 12}


def play_story(
    story: Story, *, clock: SimulatedClock, people: dict[str, Any], services: dict[str, Any]
) -> Any:
    hour, minute = story.starts_at_utc
    day = (clock.real_now - timedelta(days=story.days_ago)).replace(
        hour=hour, minute=minute, second=0, microsecond=0, tzinfo=UTC
    )

    def at(minutes: int) -> datetime:
        return day + timedelta(minutes=minutes)

    clock.set(at(story.resolved) + timedelta(minutes=20))
    incident = create_incident(
        actor=people[story.commander],
        data=IncidentInput(
            title=story.title,
            severity=Severity.objects.get(level=story.severity),
            team=people[f"team:{story.team}"],
            started_at=day,
            summary=story.summary,
            services=[services[slug] for slug in story.services],
            commander=people[story.commander],
            responders=[people[name] for name in story.responders],
            detected_at=at(story.detected),
            acknowledged_at=at(story.acknowledged),
            mitigated_at=at(story.mitigated),
            resolved_at=at(story.resolved),
            **story.facts,
        ),
    )
    if story.requested:
        who, reason = story.requested
        clock.set(at(story.resolved) + timedelta(hours=3))
        request_postmortem(actor=people[who], incident=incident, reason=reason)
    if story.writeup:
        # Automatic text (timeline milestones) is written in the postmortem's language.
        with translation.override(story.writeup.language):
            _write(story.writeup, incident, at(story.resolved), clock, people)
    return incident


def _write(
    w: Writeup, incident: Any, resolved: datetime, clock: SimulatedClock, people: dict[str, Any]
) -> Any:
    author = people[w.author]
    moment = resolved + timedelta(days=w.started_after_days)
    clock.set(moment)
    template = Template.objects.filter(language=w.language).order_by("-is_default").first()
    postmortem = create_postmortem(
        actor=author, incident=incident, template=template, owner=people[w.owner or w.author]
    )
    clock.set(moment + timedelta(hours=3))
    _fill(postmortem, w, author, incident, people)
    items = _add_actions(postmortem, w.actions, author, incident, people)
    moment += timedelta(days=1)
    for steps in w.rounds:
        moment = _review_round(postmortem, steps, author, moment, clock, people)
    if w.meeting:
        clock.set(moment - timedelta(hours=20))
        record_meeting_note(
            actor=author,
            postmortem=postmortem,
            held_on=timezone.localdate(),
            notes=w.meeting.notes,
            attendees=w.meeting.attendees,
        )
    if w.publish:
        clock.set(moment)
        postmortem.refresh_from_db()
        publish_postmortem(actor=author, postmortem=postmortem)
        if w.customer:
            _publish_customer_version(postmortem, w.customer, author, moment, clock, people)
    _progress_actions(items, w.actions, moment, clock, people)
    if w.amendment:
        _amend(postmortem, w.amendment, author, moment, clock, people)
    return postmortem


def _publish_customer_version(
    postmortem: Any,
    version: CustomerVersion,
    author: Any,
    moment: datetime,
    clock: SimulatedClock,
    people: dict[str, Any],
) -> None:
    clock.set(moment + timedelta(hours=5))
    report = customer.start_customer_report(
        actor=author, postmortem=postmortem, template_key=version.template
    )
    bodies = {key: text.strip() for key, text in version.sections.items()}
    customer.save_customer_report(actor=author, report=report, title=version.title, bodies=bodies)
    customer.submit_customer_report(actor=author, report=report)
    clock.set(moment + timedelta(hours=7))
    customer.approve_customer_report(actor=people[version.approver], report=report)
    clock.set(moment + timedelta(hours=8))
    customer.publish_customer_report(actor=author, report=report)


def _fill(postmortem: Any, w: Writeup, author: Any, incident: Any, people: dict[str, Any]) -> None:
    sections = {s.key: s for s in postmortem.sections.all()}
    for key, body in w.sections.items():
        update_section(actor=author, section=sections[key], body=body.strip() + "\n")
    postmortem.refresh_from_db()
    categories = {c.name: c for c in ContributingFactorCategory.objects.all()}
    for name, description in w.factors:
        add_contributing_factor(
            actor=author, postmortem=postmortem, category=categories[name], description=description
        )
    for dismissal in w.dismissals:
        dismiss_finding(
            actor=author,
            postmortem=postmortem,
            fingerprint="",
            rule_id=dismissal.rule,
            section_key=dismissal.section,
            text=dismissal.text,
            reason=dismissal.reason,
        )
    for event in w.timeline:
        add_timeline_entry(
            actor=author,
            postmortem=postmortem,
            occurred_at=incident.started_at + timedelta(minutes=event.minutes),
            text=event.text,
            kind=event.kind,
            is_key_event=event.key,
        )


def _add_actions(
    postmortem: Any,
    actions: tuple[Action, ...],
    author: Any,
    incident: Any,
    people: dict[str, Any],
) -> list[Any]:
    today = timezone.localdate()
    categories = {c.name: c for c in ContributingFactorCategory.objects.all()}
    services = list(incident.services.all())
    return [
        add_action_item(
            actor=author,
            postmortem=postmortem,
            data=ActionItemInput(
                title=action.title,
                kind=action.kind,
                owner=people[action.owner],
                priority=action.priority,
                due_date=today + timedelta(days=action.due_in_days),
                tracking_url=action.tracking,
                factors=[categories[name] for name in action.addresses],
                services=services if action.addresses else [],
            ),
        )
        for action in actions
    ]


def _review_round(
    postmortem: Any,
    steps: tuple[Any, ...],
    author: Any,
    moment: datetime,
    clock: SimulatedClock,
    people: dict[str, Any],
) -> datetime:
    clock.set(moment)
    postmortem.refresh_from_db()
    reviews = submit_for_review(
        actor=author, postmortem=postmortem, reviewers=[people[s.reviewer] for s in steps]
    )
    moment += timedelta(days=1)
    for step, review in zip(steps, reviews, strict=True):
        clock.set(moment)
        if step.decision == "approve":
            approve_review(
                actor=people[step.reviewer],
                review=review,
                checklist=_full_checklist(),
                comment=step.comment,
            )
        elif step.decision == "changes":
            request_changes(actor=people[step.reviewer], review=review, comment=step.comment)
        moment += timedelta(hours=2)
    if any(step.decision == "withdrawn" for step in steps):
        clock.set(moment)
        withdraw_from_review(actor=author, postmortem=postmortem)
    return moment + timedelta(days=1)


def _progress_actions(
    items: list[Any],
    actions: tuple[Action, ...],
    since: datetime,
    clock: SimulatedClock,
    people: dict[str, Any],
) -> None:
    for item, action in sorted(
        zip(items, actions, strict=True), key=lambda pair: PROGRESS_DAYS.get(pair[1].status, 0)
    ):
        if action.status == "open":
            continue
        clock.set(since + timedelta(days=PROGRESS_DAYS[action.status]))
        item.refresh_from_db()
        data = ActionItemInput(
            title=item.title,
            kind=item.kind,
            owner=item.owner,
            priority=item.priority,
            due_date=item.due_date,
            status=action.status,
            wont_do_reason=action.wont_do_reason,
            tracking_url=item.tracking_url,
        )
        update_action_item(actor=people[action.owner], item=item, data=data)


def _amend(
    postmortem: Any,
    amendment: Amendment,
    author: Any,
    published: datetime,
    clock: SimulatedClock,
    people: dict[str, Any],
) -> None:
    moment = published + timedelta(days=amendment.after_days)
    clock.set(moment)
    start_amendment(actor=author, postmortem=postmortem)
    section = postmortem.sections.get(key=amendment.section)
    update_section(actor=author, section=section, body=amendment.body.strip() + "\n")
    if not amendment.finished:
        return
    step = ReviewStep(reviewer=amendment.reviewer, decision="approve", comment="Good addition.")
    moment = _review_round(postmortem, (step,), author, moment + timedelta(hours=4), clock, people)
    clock.set(moment)
    postmortem.refresh_from_db()
    publish_postmortem(actor=author, postmortem=postmortem, change_note=amendment.change_note)


def _full_checklist() -> dict[str, bool]:
    """Demo reviewers confirm every item of the review checklist."""
    return dict.fromkeys(CHECKLIST_KEYS, True)
