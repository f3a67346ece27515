"""The authorization matrix of the API: every operation of the OpenAPI document × six roles ×
six postmortem states, allowed or refused as ``rules`` says. A refused write changes nothing
in the database; an operation missing from ``API`` fails the test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST
from hansei.tests.authz import rules
from hansei.tests.authz.matrix import (
    changed_tables,
    classify_api,
    fill,
    fingerprint,
    rolled_back,
)
from hansei.tests.authz.world import ROLES, STATES, World, build_world

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SOON = (timezone.localdate() + timedelta(days=9)).isoformat()


def the_writer(role: str, state: str) -> bool:
    """Only the writer owns the case's notification and subscription."""
    return role == "writer"


@dataclass(frozen=True)
class Entry:
    rule: rules.Rule
    body: dict[str, Any] | None = None
    exists: Any = None  # state -> bool: the object is there (else everyone gets a 404)


INCIDENT = {
    "title": "Search was slow",
    "severity": "SEV3",
    "team": "payments",
    "started_at": (NOW - timedelta(hours=2)).isoformat(),
    "resolved_at": (NOW - timedelta(hours=1)).isoformat(),
}
TEMPLATE = {"name": "Matrix template", "sections": [{"title": "Summary"}]}
DISMISSAL = {"rule": "blame-person", "section": "summary", "text": "Al broke it", "reason": "Why"}
P = "/api/v1/postmortems/{pk}"
MEETING = {"starts_at": (NOW + timedelta(days=2)).isoformat(), "invitees": ["bob"]}

TRACKER = {
    "kind": "github",
    "base_url": "https://api.github.com",
    "token_variable": "HANSEI_TRACKER_MATRIX",
    "project": "acme/payments",
    "done_states": ["closed"],
    "labels": ["matrix"],
}
API: dict[str, Entry] = {
    # people, tokens, settings everyone reads
    "GET /api/v1/me": Entry(rules.signed_in),
    "GET /api/v1/teams": Entry(rules.signed_in),
    "GET /api/v1/tokens": Entry(rules.signed_in),
    "POST /api/v1/tokens": Entry(rules.signed_in, {"name": "matrix"}),
    "DELETE /api/v1/tokens/{token_id}": Entry(rules.owns_token),
    "GET /api/v1/severities": Entry(rules.signed_in),
    "PATCH /api/v1/severities/{level}": Entry(rules.admin, {"description": "Changed"}),
    "GET /api/v1/services": Entry(rules.signed_in),
    "GET /api/v1/policy": Entry(rules.signed_in),
    "PATCH /api/v1/policy": Entry(rules.admin, {"required_approvals": 1}),
    "GET /api/v1/templates": Entry(rules.signed_in),
    "POST /api/v1/templates": Entry(rules.admin, TEMPLATE),
    "PUT /api/v1/templates/{template_id}": Entry(rules.admin, TEMPLATE),
    "GET /api/v1/factor-categories": Entry(rules.signed_in),
    "GET /api/v1/reviews": Entry(rules.signed_in),
    "GET /api/v1/reviews/checklist": Entry(rules.signed_in),
    "GET /api/v1/search": Entry(rules.signed_in),
    "POST /api/v1/lint": Entry(rules.signed_in, {"text": "The system failed."}),
    "GET /api/v1/audit-events": Entry(rules.admin),
    "GET /api/v1/audit-events/export": Entry(rules.admin),
    # Insights: everyone signed in, counted over what each may see (insights/tests).
    **{
        f"GET /api/v1/insights/{figure}": Entry(rules.signed_in)
        for figure in (
            "incidents",
            "response-times",
            "services",
            "factors",
            "repeats",
            "process-times",
            "on-time",
            "review-rounds",
            "action-items",
            "action-items-on-time",
            "overdue",
            "fixes",
            "findings",
            "dismissals",
        )
    },
    # incidents (the postmortem's)
    "GET /api/v1/incidents": Entry(rules.signed_in),
    "POST /api/v1/incidents": Entry(rules.team_writer, INCIDENT),
    "GET /api/v1/incidents/{incident_id}": Entry(rules.reads),
    "PATCH /api/v1/incidents/{incident_id}": Entry(rules.team_writer, {"summary": "Updated."}),
    # Admins only; every incident of the world has its postmortem, so 409 (kept).
    "DELETE /api/v1/incidents/{incident_id}": Entry(rules.admin),
    "POST /api/v1/incidents/{incident_id}/postmortem-request": Entry(rules.reads, {"reason": "x"}),
    "GET /api/v1/incidents/{incident_id}/requirement": Entry(rules.reads),
    "GET /api/v1/incidents/{incident_id}/similar": Entry(rules.reads),
    "POST /api/v1/incidents/{incident_id}/postmortem": Entry(rules.team_writer, {}),
    # the postmortem
    "GET /api/v1/postmortems": Entry(rules.signed_in),
    f"GET {P}": Entry(rules.reads),
    f"GET {P}/similar": Entry(rules.reads),
    f"PATCH {P}": Entry(rules.edits, {"due_date": SOON}),
    f"PUT {P}/sections/{{key}}": Entry(rules.edits, {"body": "Rewritten."}),
    f"POST {P}/timeline": Entry(rules.edits, {"occurred_at": NOW.isoformat(), "text": "x"}),
    f"PATCH {P}/timeline/{{entry_id}}": Entry(rules.edits, {"text": "Edited."}),
    f"DELETE {P}/timeline/{{entry_id}}": Entry(rules.edits),
    f"POST {P}/publish": Entry(rules.edits, {"change_note": "Fixed the timeline."}),
    f"POST {P}/amendment": Entry(rules.edits, {}),
    f"GET {P}/revisions": Entry(rules.reads),
    f"GET {P}/revisions/{{number}}": Entry(rules.reads, exists=rules.exists_when_published),
    f"GET {P}/export": Entry(rules.reads),
    # review
    f"POST {P}/submit": Entry(rules.edits, {"reviewers": ["rita"]}),
    f"POST {P}/withdraw": Entry(rules.edits, {}),
    f"POST {P}/read-requests": Entry(rules.admin, {"team": "payments"}),
    f"DELETE {P}": Entry(rules.admin),
    "GET /api/v1/reviews/{review_id}": Entry(rules.reads),
    "POST /api/v1/reviews/{review_id}/approve": Entry(rules.decides, {"checklist": FULL_CHECKLIST}),
    "POST /api/v1/reviews/{review_id}/request-changes": Entry(rules.decides, {"comment": "x"}),
    f"GET {P}/meeting-notes": Entry(rules.reads),
    f"POST {P}/meeting-notes": Entry(
        rules.edits, {"held_on": timezone.localdate().isoformat(), "notes": "Met."}
    ),
    f"GET {P}/meetings": Entry(rules.reads),
    f"POST {P}/meetings": Entry(rules.edits, MEETING),
    f"PATCH {P}/meetings/{{meeting_id}}": Entry(rules.edits, {"duration": 90}),
    f"DELETE {P}/meetings/{{meeting_id}}": Entry(rules.edits),
    # action items (owned by the writer)
    "GET /api/v1/action-items": Entry(rules.signed_in),
    f"GET {P}/action-items": Entry(rules.reads),
    f"POST {P}/action-items": Entry(rules.edits, {"title": "Add a canary"}),
    "GET /api/v1/action-items/{item_id}": Entry(rules.reads),
    "PATCH /api/v1/action-items/{item_id}": Entry(rules.edits, {"priority": "P1"}),
    "DELETE /api/v1/action-items/{item_id}": Entry(rules.edits),
    "POST /api/v1/action-items/bulk": Entry(rules.edits, {"items": ["$item_id"], "priority": "P3"}),
    "GET /api/v1/action-items/export.csv": Entry(rules.signed_in),
    "GET /api/v1/action-items/fixes": Entry(rules.signed_in),
    # Payments' tracker: its leads and admins (the world's writer is no lead).
    "GET /api/v1/teams/{slug}/tracker": Entry(rules.admin),
    "PUT /api/v1/teams/{slug}/tracker": Entry(rules.admin, TRACKER),
    "GET /api/v1/teams/{slug}/tracker/events": Entry(rules.admin),
    # An item's issue: whoever updates the item; reading it, whoever reads the item (there is
    # no issue yet: 404 for all).
    "POST /api/v1/action-items/{item_id}/tracker-issue": Entry(rules.edits, {"url": ""}),
    "GET /api/v1/action-items/{item_id}/tracker-issue": Entry(
        rules.reads, exists=lambda state: False
    ),
    "DELETE /api/v1/action-items/{item_id}/tracker-issue": Entry(rules.edits),
    "GET /api/v1/action-items/{item_id}/recurrences": Entry(rules.reads),
    f"GET {P}/recurrences": Entry(rules.reads),
    f"GET {P}/carried-items": Entry(rules.reads),
    f"POST {P}/carried-items": Entry(rules.edits, {"item": "$item_id"}),
    f"DELETE {P}/carried-items/{{item_id}}": Entry(rules.edits),
    # analysis
    f"GET {P}/impact": Entry(rules.reads),
    f"PUT {P}/impact": Entry(rules.edits, {"support_tickets": 4}),
    f"GET {P}/contributing-factors": Entry(rules.reads),
    f"POST {P}/contributing-factors": Entry(rules.edits, {"description": "Alert too late"}),
    f"DELETE {P}/contributing-factors/{{factor_id}}": Entry(rules.edits),
    f"GET {P}/why-chains": Entry(rules.reads),
    f"POST {P}/why-chains": Entry(rules.edits, {"problem": "Slow"}),
    f"PUT {P}/why-chains/{{chain_id}}": Entry(rules.edits, {"problem": "Slow", "whys": ["x"]}),
    f"DELETE {P}/why-chains/{{chain_id}}": Entry(rules.edits),
    f"POST {P}/why-chains/{{chain_id}}/whys": Entry(rules.edits, {"answer": "Because"}),
    f"DELETE {P}/why-chains/{{chain_id}}/whys/{{number}}": Entry(rules.edits),
    f"POST {P}/why-chains/{{chain_id}}/copy-to-root-causes": Entry(rules.edits, {}),
    f"POST {P}/incidents": Entry(rules.edits, {"incident": 0}),  # the free incident
    f"DELETE {P}/incidents/{{incident_id}}": Entry(rules.edits),
    # comments (a thread on the whole postmortem, by its owner)
    f"GET {P}/comments": Entry(rules.reads),
    f"POST {P}/comments": Entry(rules.reads, {"body": "Thanks."}),
    f"GET {P}/comments/{{thread_id}}": Entry(rules.reads),
    f"POST {P}/comments/{{thread_id}}/replies": Entry(rules.reads, {"body": "Agreed."}),
    f"POST {P}/comments/{{thread_id}}/resolve": Entry(rules.edits, {}),
    f"POST {P}/comments/{{thread_id}}/reopen": Entry(rules.edits, {}),
    f"GET {P}/mentionable": Entry(rules.reads),
    # the writing check
    f"GET {P}/lint": Entry(rules.joins),
    f"POST {P}/lint/dismissals": Entry(rules.edits, DISMISSAL),
    f"DELETE {P}/lint/dismissals/{{dismissal_id}}": Entry(rules.edits),
    # one's own inbox, settings and subscriptions
    "GET /api/v1/notifications": Entry(rules.signed_in),
    "POST /api/v1/notifications/read": Entry(rules.signed_in, {}),
    "POST /api/v1/notifications/{notification_id}/read": Entry(the_writer, {}),
    "GET /api/v1/me/notification-settings": Entry(rules.signed_in),
    "PUT /api/v1/me/notification-settings": Entry(
        rules.signed_in, {"choices": [{"kind": "mention", "channel": "email", "enabled": False}]}
    ),
    "GET /api/v1/me/digest": Entry(rules.signed_in),
    "PUT /api/v1/me/digest": Entry(rules.signed_in, {"frequency": "daily"}),
    "GET /api/v1/me/subscriptions": Entry(rules.signed_in),
    "POST /api/v1/me/subscriptions": Entry(rules.signed_in, {"team": "payments"}),
    "DELETE /api/v1/me/subscriptions/{subscription_id}": Entry(the_writer),
    "GET /api/v1/me/saved-searches": Entry(rules.signed_in),
    "POST /api/v1/me/saved-searches": Entry(rules.signed_in, {"query": "matrix"}),
    "PATCH /api/v1/me/saved-searches/{saved_id}": Entry(the_writer, {"notify": False}),
    "DELETE /api/v1/me/saved-searches/{saved_id}": Entry(the_writer),
    # Culture: everyone signed in takes part; a postmortem's part follows its readers. Voting
    # is not open in the world's round: a vote gets through the rules and the state refuses it.
    "GET /api/v1/culture/awards/rounds": Entry(rules.signed_in),
    "GET /api/v1/culture/awards/rounds/{month}": Entry(rules.signed_in),
    "PUT /api/v1/culture/awards/rounds/{month}/window": Entry(
        rules.admin,
        {"voting_opens_at": NOW.isoformat(), "voting_closes_at": SOON + "T09:00:00+00:00"},
    ),
    "DELETE /api/v1/culture/awards/rounds/{month}/vote": Entry(rules.signed_in),
    "PUT /api/v1/culture/awards/nominations/{nomination_id}/vote": Entry(
        rules.reads, {}, exists=rules.exists_when_published
    ),
    f"POST {P}/nominations": Entry(rules.nominates, {"reason": "Matrix."}),
    f"GET {P}/kudos": Entry(rules.reads),
    f"POST {P}/kudos": Entry(
        rules.reads, {"receiver": "$owner_username", "kind": "writing", "message": "Thanks!"}
    ),
    "GET /api/v1/people/{username}/kudos": Entry(rules.signed_in),
    "GET /api/v1/me/surveys": Entry(rules.signed_in),
    "POST /api/v1/culture/surveys/{survey_id}/answers": Entry(
        rules.took_part, {"helped": 4, "toil": 2, "tools": 5}, exists=rules.exists_when_published
    ),
    "GET /api/v1/culture/feedback": Entry(rules.signed_in),
    "GET /api/v1/culture/drills/{drill_id}": Entry(rules.reads, exists=rules.exists_when_published),
    "POST /api/v1/culture/drills/{drill_id}/players": Entry(
        rules.plays, {}, exists=rules.exists_when_published
    ),
    "POST /api/v1/culture/drills/{drill_id}/start": Entry(
        rules.masters, {}, exists=rules.exists_when_published
    ),
    "PUT /api/v1/culture/drills/{drill_id}/clock": Entry(
        rules.masters, {"time_limit": 50}, exists=rules.exists_when_published
    ),
    "PUT /api/v1/culture/drills/{drill_id}/phase": Entry(
        rules.masters, {"phase": "diagnosis"}, exists=rules.exists_when_published
    ),
    "POST /api/v1/culture/drills/{drill_id}/finish": Entry(
        rules.masters, {}, exists=rules.exists_when_published
    ),
    "PUT /api/v1/culture/drills/{drill_id}/debrief": Entry(
        rules.masters, {"debrief": "Matrix."}, exists=rules.exists_when_published
    ),
    **{
        route: Entry(
            rules.masters,
            {"phase": "diagnosis", "text": "Matrix?"},
            exists=rules.exists_when_published,
        )
        for route in (
            "POST /api/v1/culture/drills/{drill_id}/questions",
            "PUT /api/v1/culture/drills/questions/{question_id}",
        )
    },
    "DELETE /api/v1/culture/drills/questions/{question_id}": Entry(
        rules.masters, exists=rules.exists_when_published
    ),
    "PUT /api/v1/culture/drills/cards/{card_id}/revealed": Entry(
        rules.masters, {"revealed": True}, exists=rules.exists_when_published
    ),
    "PUT /api/v1/culture/drills/{drill_id}/opening": Entry(
        rules.masters, {"opening": "Matrix."}, exists=rules.exists_when_published
    ),
    **{
        route: Entry(
            rules.masters,
            {"phase": "diagnosis", "offset_minutes": 5, "text": "Matrix.", "reveals": "Matrix."},
            exists=rules.exists_when_published,
        )
        for route in (
            "POST /api/v1/culture/drills/{drill_id}/cards",
            "PUT /api/v1/culture/drills/cards/{card_id}",
        )
    },
    "DELETE /api/v1/culture/drills/cards/{card_id}": Entry(
        rules.masters, exists=rules.exists_when_published
    ),
    "GET /api/v1/culture/reading/lists": Entry(rules.signed_in),
    "GET /api/v1/culture/reading/sessions": Entry(rules.signed_in),
    "GET /api/v1/culture/reading/sessions/{session_id}": Entry(rules.signed_in),
    "PUT /api/v1/culture/reading/sessions/{session_id}/going": Entry(
        rules.signed_in, {"going": True}
    ),
    "POST /api/v1/culture/reading/sessions/{session_id}/comments": Entry(
        rules.signed_in, {"body": "Matrix."}
    ),
    # The meeting pack: everyone's, with only published, unrestricted postmortems in it.
    "GET /api/v1/culture/pack/{month}": Entry(rules.signed_in),
}


def _operations() -> list[str]:
    from hansei.api import api

    return sorted(
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    )


def test_every_operation_has_a_rule_in_the_matrix() -> None:
    operations = set(_operations())
    assert sorted(operations - set(API)) == [], "operations without a matrix entry"
    assert sorted(set(API) - operations) == [], "matrix entries without an operation"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from django.db import transaction

    from hansei.collab.comments.services import reply_to_comment_thread
    from hansei.culture.awards.models import Nomination
    from hansei.culture.awards.services import round_for
    from hansei.culture.feedback.models import Survey
    from hansei.culture.tests.reading_world import drill_ids, reading_club_ids
    from hansei.incidents.services import IncidentInput, create_incident
    from hansei.notifications.models import Notification
    from hansei.notifications.services import follow
    from hansei.reviews.meetings import MeetingInput, schedule_review_meeting
    from hansei.search.saved import save_search

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        award_round = round_for(timezone.localdate().replace(day=1))
        draft = built.cases["draft"].postmortem
        free = create_incident(
            actor=built.users["admin"],
            data=IncidentInput(
                title="Search was slow",
                severity=draft.incidents.get().severity,
                team=draft.team,
                started_at=NOW - timedelta(hours=2),
                resolved_at=NOW - timedelta(hours=1),
            ),
        )
        built.free_incident_id = free.pk  # type: ignore[attr-defined]
        writer = built.users["writer"]
        for case in built.cases.values():
            reply_to_comment_thread(
                actor=built.users["admin"],
                thread=case.postmortem.comment_threads.get(pk=case.ids["thread_id"]),
                body="@bob have a look",
            )
            case.ids.update(
                month=award_round.month.strftime("%Y-%m"),
                username=writer.username,
                survey_id=Survey.objects.filter(postmortem=case.postmortem)
                .values_list("pk", flat=True)
                .first()
                or 0,
                owner_username=case.postmortem.owner.username,
                # Nominated while it could be (a published one, restricted or not since).
                nomination_id=Nomination.objects.create(
                    round=award_round, postmortem=case.postmortem, reason="Matrix."
                ).pk
                if case.postmortem.published_at
                else 0,
                notification_id=Notification.objects.filter(
                    recipient=writer, postmortem=case.postmortem
                )
                .values_list("pk", flat=True)
                .first(),
                subscription_id=follow(actor=writer, target=case.postmortem)[0].pk,
                saved_id=save_search(
                    actor=writer, name=f"case {case.postmortem.pk}", query="x", filters={}
                ).pk,
                meeting_id=schedule_review_meeting(
                    actor=built.users["admin"],
                    postmortem=case.postmortem,
                    data=MeetingInput(
                        starts_at=NOW + timedelta(days=2), duration=60, invitees=[writer]
                    ),
                ).pk,
            )
            case.ids.update(reading_club_ids(case.postmortem, built.users))
            case.ids.update(drill_ids(case.postmortem, built.users))
        yield built
        transaction.set_rollback(True)


def _with_ids(value: Any, ids: dict[str, Any]) -> Any:
    """A body whose "$name" strings stand for the case's ids."""
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [_with_ids(each, ids) for each in value]
    if isinstance(value, dict):
        return {key: _with_ids(each, ids) for key, each in value.items()}
    return value


def _call(client: Client, method: str, url: str, body: Any, token: str | None) -> int:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is None:
        return int(getattr(client, method.lower())(url, **headers).status_code)
    data = json.dumps(body)
    call = getattr(client, method.lower())
    return int(call(url, data=data, content_type="application/json", **headers).status_code)


@pytest.mark.parametrize("operation", sorted(API))
def test_the_operation_allows_exactly_whom_the_rules_allow(world: World, operation: str) -> None:
    entry = API[operation]
    method, path = operation.split(" ", 1)
    body = entry.body
    if body is not None and "incident" in body:
        body = {"incident": world.free_incident_id}  # type: ignore[attr-defined]
    client = Client()
    wrong = []
    for state in STATES:
        case = world.cases[state]
        url = fill(path, {**case.ids, "template_id": world.template_id})
        sent = _with_ids(body, case.ids)
        for role in ROLES:
            allowed = entry.rule(role, state) and (entry.exists is None or entry.exists(state))
            with rolled_back():
                before = fingerprint() if method != "GET" else {}
                status = _call(client, method, url, sent, world.tokens.get(role))
                after = fingerprint() if method != "GET" else {}
            got = classify_api(status)
            expected = "allowed" if allowed else "denied"
            if got != expected:
                wrong.append(f"{state:<10} {role:<9} expected {expected}, got {status}")
            elif role == "anonymous" and status != 401:
                wrong.append(f"{state:<10} {role:<9} expected 401, got {status}")
            if expected == "denied" and before != after:
                changed = changed_tables(before, after)
                wrong.append(f"{state:<10} {role:<9} refused ({status}) but changed {changed}")
    assert not wrong, f"{operation}:\n" + "\n".join(wrong)
