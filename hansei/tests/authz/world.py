"""The world the authorization matrix runs in: six kinds of people and a postmortem of the
Payments team in each state, every one with all its parts (timeline, action item, analysis,
meeting note, comment threads, a writing-check dismissal, versions, and revisions once
published). Built through the services, as people would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.models import Team, User
from hansei.accounts.services import create_api_token
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.collab.comments.services import start_comment_thread
from hansei.conftest import FULL_CHECKLIST, fill_required_sections, person
from hansei.incidents.models import Severity
from hansei.incidents.services import IncidentInput, create_incident
from hansei.integrations.models import TrackerConfig
from hansei.postmortems.analysis import services as analysis
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import (
    create_postmortem,
    publish_postmortem,
    start_amendment,
    update_postmortem,
)
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.postmortems.writing_check.services import dismiss_finding
from hansei.reviews.models import Review
from hansei.reviews.services import (
    approve_review,
    record_meeting_note,
    request_changes,
    submit_for_review,
)

# Who asks. "writer" is a member of the postmortem's team; "member" belongs to another team;
# "reviewer" is named on the postmortem's reviews, "outsider" is a reviewer who is not.
ROLES = ("admin", "writer", "member", "reviewer", "outsider", "anonymous")
STATES = ("draft", "in_review", "approved", "published", "restricted", "amendment")
USERNAMES = {
    "admin": "ada",
    "writer": "bob",
    "member": "charlie",
    "reviewer": "rita",
    "outsider": "rex",
}


@dataclass
class Case:
    """One postmortem in one state, and the ids of its parts (for path parameters)."""

    state: str
    postmortem: Postmortem
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    cases: dict[str, Case]
    template_id: int


def _incident(alice: User, payments: Team, title: str) -> Any:
    now = timezone.now()
    return create_incident(
        actor=alice,
        data=IncidentInput(
            title=title,
            severity=Severity.objects.get(level=2),
            team=payments,
            started_at=now - timedelta(hours=3),
            detected_at=now - timedelta(hours=2, minutes=50),
            acknowledged_at=now - timedelta(hours=2, minutes=45),
            mitigated_at=now - timedelta(hours=2),
            resolved_at=now - timedelta(hours=1),
            summary="Payments failed after a config push.",
            downtime_minutes=50,
        ),
    )


def _fill(case: Case, alice: User, bob: User) -> None:
    """The parts a draft gets while the team writes it."""
    postmortem = case.postmortem
    entry = add_timeline_entry(
        actor=alice,
        postmortem=postmortem,
        occurred_at=timezone.now() - timedelta(hours=2),
        text="Rolled back the config.",
    )
    item = add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Validate configs", owner=bob),
    )
    analysis.update_impact(
        actor=alice, postmortem=postmortem, data=analysis.ImpactInput(support_tickets=3)
    )
    factor = analysis.add_contributing_factor(
        actor=alice, postmortem=postmortem, category=None, description="No dry run"
    )
    chain = analysis.start_why_chain(
        actor=alice, postmortem=postmortem, problem="Checkout failed", whys=["Bad config"]
    )
    dismissal = dismiss_finding(
        actor=alice,
        postmortem=postmortem,
        fingerprint="",
        rule_id="blame-person",
        section_key="summary",
        text="Bob pushed it",
        reason="Quoted from the chat log.",
    )
    text_thread = start_comment_thread(
        actor=alice, postmortem=postmortem, body="Is this right?", section_key="summary"
    )
    case.ids.update(
        entry_id=entry.pk,
        item_id=item.pk,
        factor_id=factor.pk,
        chain_id=chain.pk,
        dismissal_id=dismissal.pk,
        text_thread_id=text_thread.pk,
        key="summary",
    )


def _review(case: Case, alice: User, rita: User) -> Review:
    [review] = submit_for_review(actor=alice, postmortem=case.postmortem, reviewers=[rita])
    case.ids["review_id"] = review.pk
    return review


def _publish(case: Case, alice: User, rita: User) -> None:
    review = _review(case, alice, rita)
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Thorough.")
    record_meeting_note(
        actor=alice, postmortem=case.postmortem, held_on=timezone.localdate(), notes="Agreed."
    )
    publish_postmortem(actor=alice, postmortem=case.postmortem)


def build_world() -> World:
    payments = Team.objects.create(name="Payments", slug="payments")
    search = Team.objects.create(name="Search", slug="search")
    alice = person("alice", "member", payments, lead=True)  # owns every postmortem
    users = {
        "admin": person(USERNAMES["admin"], "admin"),
        "writer": person(USERNAMES["writer"], "member", payments),
        "member": person(USERNAMES["member"], "member", search),
        "reviewer": person(USERNAMES["reviewer"], "reviewer"),
        "outsider": person(USERNAMES["outsider"], "reviewer"),
    }
    bob, rita = users["writer"], users["reviewer"]
    cases: dict[str, Case] = {}
    for state in STATES:
        incident = _incident(alice, payments, f"Checkout failed ({state})")
        postmortem = create_postmortem(actor=alice, incident=incident)
        fill_required_sections(postmortem)
        case = Case(state=state, postmortem=postmortem, ids={"incident_id": incident.pk})
        _fill(case, alice, bob)
        if state == "restricted":
            update_postmortem(actor=alice, postmortem=postmortem, restricted=True)
        if state == "draft":  # named on a round that sent it back: still a reviewer of it
            request_changes(actor=rita, review=_review(case, alice, rita), comment="More data.")
        elif state == "in_review":
            _review(case, alice, rita)
        elif state == "approved":
            approve_review(actor=rita, review=_review(case, alice, rita), checklist=FULL_CHECKLIST)
        else:
            _publish(case, alice, rita)
        if state == "amendment":
            start_amendment(actor=alice, postmortem=postmortem)
        whole = start_comment_thread(actor=alice, postmortem=postmortem, body="Thanks all.")
        case.ids.update(
            pk=postmortem.pk,
            thread_id=whole.pk,
            number=1,
            note_id=postmortem.meeting_notes.values_list("pk", flat=True).first(),
        )
        case.postmortem = Postmortem.objects.get(pk=postmortem.pk)
        cases[state] = case
    tokens = {role: create_api_token(actor=user, name="matrix")[1] for role, user in users.items()}
    writer_token = bob.api_tokens.get()
    # Payments has a tracker (GitHub): its settings, log and items' issues are in the matrix.
    TrackerConfig.objects.create(
        team=payments, kind="github", base_url="https://api.github.com",
        token_variable="HANSEI_TRACKER_MATRIX", project="acme/payments", done_states=["closed"],
    )  # fmt: skip
    for case in cases.values():
        case.ids.update(token_id=writer_token.pk, level=3, slug=payments.slug)
    template = Template.objects.filter(is_default=True, language="en").first()
    assert template is not None
    return World(users=users, tokens=tokens, cases=cases, template_id=template.pk)
