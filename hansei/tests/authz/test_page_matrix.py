"""The authorization matrix of the pages: every page address × six roles × six postmortem
states, allowed or refused as ``rules`` says; a refused form post changes nothing. An address
missing from ``PAGES`` fails the test.

Refused means 403, 404 or the sign-in page. Readers of a published postmortem who may not
read the draft being amended are sent to the published revision: that counts as allowed (the
revision is itself in the matrix)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from hansei.tests.authz import rules
from hansei.tests.authz.matrix import changed_tables, fingerprint, rolled_back
from hansei.tests.authz.world import ROLES, STATES, World, build_world

pytestmark = pytest.mark.django_db
SOON = (timezone.localdate() + timedelta(days=9)).isoformat()
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def anyone(role: str, state: str) -> bool:
    return True


def writes_somewhere(role: str, state: str) -> bool:
    """Records incidents for one of their teams (admins for all): not reviewers."""
    return role in {"admin", "writer", "member"}


def the_writer(role: str, state: str) -> bool:
    return role == "writer"


@dataclass(frozen=True)
class Page:
    rule: rules.Rule
    method: str = "GET"
    data: dict[str, Any] | None = None
    exists: Any = None  # state -> bool, as in the API matrix
    args: tuple[str, ...] = ()  # URL kwargs from the case's ids: "name", or "kwarg=name"
    audited: bool = False  # a change that happens whoever asks (sign-out is recorded)


PK = ("pk",)
TIMELINE = {"occurred_at": NOW, "text": "Paged the team.", "kind": "event"}
ITEM = {"title": "Add a canary", "kind": "prevent", "priority": "P2", "status": "open"}
PAGES: dict[str, Page] = {
    "home:my_work": Page(rules.signed_in),
    "core:healthz": Page(anyone),
    "accounts:login": Page(anyone),
    # Signing out always ends on the sign-in page, which is what a refusal looks like.
    "accounts:logout": Page(lambda role, state: False, "POST", {}, audited=True),
    "accounts:sso_start": Page(rules.signed_in, exists=lambda state: False),
    "accounts:sso_callback": Page(rules.signed_in, exists=lambda state: False),
    "accounts:settings": Page(rules.signed_in),
    "accounts:password_change": Page(rules.signed_in),
    "accounts:password_forgot": Page(anyone),
    # The link's token is the authority: anyone who has it (an unknown one says so, 200).
    "accounts:password_reset_confirm": Page(anyone, args=("uidb64", "token=reset_token")),
    "accounts:invitation": Page(anyone, args=("pk=invitation_id", "secret=invitation_secret")),
    "administration:index": Page(rules.admin),
    "administration:people": Page(rules.admin),
    "administration:person": Page(rules.admin, args=("pk=person_id",)),
    "administration:person_reset": Page(rules.admin, "POST", {}, args=("pk=person_id",)),
    "administration:invitation_action": Page(
        rules.admin, "POST", {}, args=("pk=invitation_id", "action=invitation_action")
    ),
    "administration:integrations": Page(rules.admin),
    "administration:teams": Page(rules.admin),
    "administration:team_new": Page(rules.admin),
    "administration:team": Page(rules.admin, args=("pk=team_id",)),
    # The team owns postmortems: an admin's delete is refused by the state (a redirect).
    "administration:team_delete": Page(rules.admin, "POST", {}, args=("pk=team_id",)),
    "administration:synonyms": Page(rules.admin),
    "administration:synonym_delete": Page(rules.admin, "POST", {}, args=("pk=synonym_id",)),
    "accounts:token_create": Page(rules.signed_in, "POST", {"name": "matrix page"}),
    "accounts:token_delete": Page(rules.owns_token, "POST", {}, args=("token_id",)),
    "incidents:list": Page(rules.signed_in),
    "incidents:new": Page(writes_somewhere),
    "incidents:policy": Page(rules.signed_in),
    "incidents:policy_edit": Page(rules.admin),
    "incidents:detail": Page(rules.reads, args=("pk=incident_id",)),
    "incidents:edit": Page(rules.team_writer, args=("pk=incident_id",)),
    "incidents:delete": Page(rules.admin, "POST", {}, args=("pk=incident_id",)),
    "incidents:request_postmortem": Page(
        rules.reads, "POST", {"reason": "Customers asked."}, args=("pk=incident_id",)
    ),
    "postmortems:start": Page(rules.team_writer, "POST", {}, args=("incident_id",)),
    "postmortems:list": Page(rules.signed_in),
    "postmortems:preview": Page(rules.signed_in, "POST", {"body": "**Bold**"}),
    "postmortems:templates": Page(rules.admin),
    "postmortems:template_new": Page(rules.admin),
    "postmortems:template_edit": Page(rules.admin, args=("template_id",)),
    "postmortems:detail": Page(rules.reads, args=PK),
    "postmortems:edit_details": Page(rules.edits, args=PK),
    "postmortems:delete": Page(rules.admin, "POST", {}, args=PK),
    "postmortems:section": Page(rules.edits, "POST", {"body": "Rewritten."}, args=(*PK, "key")),
    "postmortems:timeline_add": Page(rules.edits, "POST", TIMELINE, args=PK),
    "postmortems:timeline_edit": Page(rules.edits, args=(*PK, "entry_id")),
    "postmortems:timeline_delete": Page(rules.edits, "POST", {}, args=(*PK, "entry_id")),
    "postmortems:publish": Page(rules.edits, "POST", {"change_note": "Fixed."}, args=PK),
    "postmortems:amend": Page(rules.edits, "POST", {}, args=PK),
    "postmortems:revisions": Page(rules.reads, args=PK),
    "postmortems:revision": Page(
        rules.reads, exists=rules.exists_when_published, args=(*PK, "number")
    ),
    "postmortems:export": Page(rules.reads, args=(*PK, "fmt")),
    "postmortems:customer": Page(rules.reads, args=PK),
    # Integrations (the list is with the other administration pages above): admins only.
    "administration:integration_new": Page(rules.admin),
    "administration:integration": Page(rules.admin, args=("pk=integration_id",)),
    "administration:integration_test": Page(rules.admin, "POST", {}, args=("pk=integration_id",)),
    "administration:integration_rotate": Page(rules.admin, "POST", {}, args=("pk=integration_id",)),
    # The state may refuse a writer (a published report is not sent for approval): a 302.
    "postmortems:customer_action": Page(rules.edits, "POST", {}, args=(*PK, "action")),
    # The unguessable address is the authority, as for the feed: anyone who has it.
    "public_reports:report": Page(anyone, args=("token=customer_token",)),
    "public_reports:pdf": Page(anyone, args=("token=customer_token",)),
    "postmortems:revision_pdf": Page(
        rules.reads, exists=rules.exists_when_published, args=(*PK, "number")
    ),
    "postmortems:impact": Page(
        rules.edits, "POST", {"affected_unit": "users", "support_tickets": "4"}, args=PK
    ),
    "postmortems:factor_add": Page(rules.edits, "POST", {"description": "Slow alert"}, args=PK),
    "postmortems:factor_delete": Page(rules.edits, "POST", {}, args=(*PK, "factor_id")),
    "postmortems:chain_start": Page(rules.edits, "POST", {"problem": "Slow"}, args=PK),
    "postmortems:chain_edit": Page(
        rules.edits, "POST", {"problem": "Slow", "why": "Cold cache"}, args=(*PK, "chain_id")
    ),
    "postmortems:why_add": Page(rules.edits, "POST", {"answer": "Because"}, args=(*PK, "chain_id")),
    "postmortems:why_remove": Page(rules.edits, "POST", {}, args=(*PK, "chain_id", "index")),
    "postmortems:chain_delete": Page(rules.edits, "POST", {}, args=(*PK, "chain_id")),
    "postmortems:chain_copy": Page(rules.edits, "POST", {}, args=(*PK, "chain_id")),
    "postmortems:incident_link": Page(rules.edits, "POST", {"incident": "free"}, args=PK),
    "postmortems:incident_unlink": Page(rules.edits, "POST", {}, args=(*PK, "incident_id")),
    "postmortems:timeline_import": Page(rules.edits, args=PK),
    "postmortems:timeline_import_confirm": Page(rules.edits, "POST", {}, args=PK),
    # the draft's history: readers outside it are sent to the published revisions
    "postmortems:history": Page(rules.reads, args=PK),
    "postmortems:version_compare": Page(rules.joins, args=PK),
    "postmortems:version": Page(rules.joins, args=(*PK, "number")),
    "postmortems:version_restore": Page(rules.edits, "POST", {}, args=(*PK, "number", "key")),
    "postmortems:lint_panel": Page(rules.joins, args=PK),
    "postmortems:lint_dismiss": Page(
        rules.edits,
        "POST",
        {"rule": "blame-person", "section": "summary", "text": "Al did it", "reason": "Quote"},
        args=PK,
    ),
    "postmortems:lint_restore": Page(rules.edits, "POST", {}, args=(*PK, "dismissal_id")),
    "reviews:submit": Page(rules.edits, args=PK),
    "reviews:withdraw": Page(rules.edits, "POST", {}, args=PK),
    "reviews:review": Page(rules.reads_live, args=(*PK, "review_id")),
    "reviews:meeting_note": Page(
        rules.edits, "POST", {"held_on": timezone.localdate().isoformat(), "notes": "Met."}, args=PK
    ),
    "reviews:meeting_new": Page(rules.edits, args=PK),
    "reviews:meeting_edit": Page(rules.edits, args=(*PK, "meeting_id")),
    "reviews:meeting_cancel": Page(rules.edits, "POST", {}, args=(*PK, "meeting_id")),
    "reviews:meeting_ics": Page(rules.reads, args=(*PK, "meeting_id")),
    "action_items:list": Page(rules.signed_in),
    "action_items:add": Page(rules.edits, "POST", ITEM, args=PK),
    "action_items:edit": Page(rules.edits, args=("item_id",)),
    "action_items:delete": Page(rules.edits, "POST", {}, args=("item_id",)),
    "action_items:carry_over": Page(rules.edits, "POST", {"item": "$item_id"}, args=PK),
    "action_items:drop_carried": Page(rules.edits, "POST", {}, args=(*PK, "item_id")),
    "search:save": Page(rules.signed_in, "POST", {"q": "matrix"}),
    "search:saved_alerts": Page(the_writer, "POST", {}, args=("pk=saved_id",)),
    "search:saved_delete": Page(the_writer, "POST", {}, args=("pk=saved_id",)),
    "search:similar_postmortem": Page(rules.reads, args=PK),
    "search:similar_incident": Page(rules.reads, args=("pk=incident_id",)),
    # Its own item: the state refuses (409) once the rulebook lets the writer through.
    "search:carry_similar": Page(rules.edits, "POST", {}, args=(*PK, "item_id")),
    "action_items:bulk": Page(rules.edits, "POST", {"items": "$item_id", "priority": "P3"}),
    "action_items:export": Page(rules.signed_in),
    "search:archive": Page(rules.signed_in),
    "collab:comments": Page(rules.reads, args=PK),
    "collab:new_thread": Page(rules.reads, "POST", {"body": "Thanks."}, args=PK),
    "collab:reply": Page(rules.reads, "POST", {"body": "Agreed."}, args=(*PK, "thread_id")),
    "collab:resolve": Page(rules.edits, "POST", {}, args=(*PK, "thread_id")),
    "collab:reopen": Page(rules.edits, "POST", {}, args=(*PK, "thread_id")),
    "notifications:inbox": Page(rules.signed_in),
    "notifications:read": Page(the_writer, "POST", {}, args=("pk=notification_id",)),
    "notifications:read_all": Page(rules.signed_in, "POST", {}),
    "notifications:settings": Page(rules.signed_in),
    "notifications:badge": Page(rules.signed_in),
    "notifications:test_email": Page(rules.admin, "POST", {}),
    "notifications:follow": Page(rules.signed_in, "POST", {"team": "$team_id"}),
    "notifications:follow_postmortem": Page(rules.reads, "POST", {}, args=PK),
    "notifications:unfollow": Page(the_writer, "POST", {}, args=("pk=subscription_id",)),
    # The signed link is its own authority: whoever holds it sees what it stops.
    "notifications:unsubscribe": Page(anyone, args=("token=unsubscribe_token",)),
    # The private address is the authority (a feed reader has no session): it reads as the
    # writer it belongs to, whoever fetches it.
    "notifications:feed": Page(anyone, args=("token=feed_token",)),
    "notifications:feed_reset": Page(rules.signed_in, "POST", {}),
    # The team's leads and admins; the world's writer is a member, not a lead.
    "notifications:ask_to_read": Page(rules.admin, "POST", {"team": "payments"}, args=PK),
    "notifications:feed_revoke": Page(rules.signed_in, "POST", {}),
    # A team's tracker: its leads and admins (the world's writer is no lead: admins only).
    "trackers:list": Page(rules.admin),
    "trackers:edit": Page(rules.admin, args=("slug=team_slug",)),
    # An item's issue: whoever updates the item (no tracker is set up: a message, no change).
    "trackers:create_issue": Page(rules.edits, "POST", {}, args=("item_id",)),
    "trackers:link_issue": Page(
        rules.edits, "POST", {"url": "https://github.com/o/r/issues/1"}, args=("item_id",)
    ),
    "trackers:unlink_issue": Page(rules.edits, "POST", {}, args=("item_id",)),
    "audit:log": Page(rules.admin),
    "audit:export": Page(rules.admin),
    # Everyone signed in; each figure counts only what its reader may see (insights/tests).
    "insights:dashboard": Page(rules.signed_in),
    "insights:figure_csv": Page(rules.signed_in, args=("figure",)),
    # Culture: everyone signed in takes part; what they see of a postmortem follows its readers.
    "culture:programs": Page(rules.signed_in),
    "culture:hall_of_fame": Page(rules.signed_in),
    "culture:round": Page(rules.signed_in, args=("year", "month")),
    # Voting is not open in the world's round: allowed through, refused by the state (400).
    "culture:withdraw_vote": Page(rules.signed_in, "POST", {}, args=("year", "month")),
    "culture:voting_window": Page(
        rules.admin,
        "POST",
        {"voting_opens_at": NOW, "voting_closes_at": SOON + "T09:00"},
        args=("year", "month"),
    ),
    "culture:vote": Page(
        rules.reads, "POST", {}, exists=rules.exists_when_published, args=("nomination_id",)
    ),
    "culture:postmortem_panel": Page(rules.reads, args=PK),
    "culture:nominate": Page(rules.reads, args=PK),
    "culture:thank": Page(
        rules.reads,
        "POST",
        {"receiver": "$owner_id", "kind": "writing", "message": "Thanks!"},
        args=PK,
    ),
    "people:person": Page(rules.signed_in, args=("username",)),
    "culture:feedback": Page(rules.signed_in),
    # The meeting pack is everyone's; it holds only published, unrestricted postmortems
    # whoever asks (culture/tests/test_meetings.py).
    "culture:pack_latest": Page(rules.signed_in),
    "culture:pack": Page(rules.signed_in, args=("year", "month")),
    "culture:pack_pdf": Page(rules.signed_in, args=("year", "month")),
    # Admins and team leads (none of the matrix's roles leads a team: test_leaders.py).
    "culture:leaders": Page(rules.admin),
    "culture:survey": Page(
        rules.took_part, exists=rules.exists_when_published, args=("pk=survey_id",)
    ),
    # The reading club: everyone's; each case's session (under way) is run by the writer.
    "culture:reading": Page(rules.signed_in),
    "culture:new_reading_list": Page(rules.signed_in),
    "culture:reading_list": Page(rules.signed_in, args=("pk=reading_list_id",)),
    "culture:remove_reading": Page(rules.runs_the_session, "POST", {}, args=("pk=reading_id",)),
    "culture:new_session": Page(rules.signed_in),
    "culture:session": Page(rules.signed_in, args=("pk=session_id",)),
    "culture:session_calendar": Page(rules.signed_in, args=("pk=session_id",)),
    "culture:edit_session": Page(rules.runs_the_session, args=("pk=session_id",)),
    # Under way: refused by its state (409), past the rule.
    "culture:cancel_session": Page(rules.runs_the_session, "POST", {}, args=("pk=session_id",)),
    "culture:session_going": Page(rules.signed_in, "POST", {"going": "1"}, args=("pk=session_id",)),
    "culture:session_comment": Page(
        rules.signed_in, "POST", {"body": "Matrix."}, args=("pk=session_id",)
    ),
    "culture:session_notes": Page(
        rules.runs_the_session, "POST", {"notes": "Matrix."}, args=("pk=session_id",)
    ),
    "culture:session_attendance": Page(
        rules.runs_the_session, "POST", {"people": "$writer_id"}, args=("pk=session_id",)
    ),
    # Drills of the published postmortem; the writer is the game master.
    "culture:drills": Page(rules.signed_in),
    "culture:new_drill": Page(
        lambda role, state: rules.reads(role, state) and state in rules.PUBLISHED, args=PK
    ),
    "culture:drill": Page(rules.reads, exists=rules.exists_when_published, args=("pk=drill_id",)),
    "culture:drill_board": Page(
        rules.reads, exists=rules.exists_when_published, args=("pk=drill_id",)
    ),
    "culture:join_drill": Page(
        rules.plays, "POST", {}, exists=rules.exists_when_published, args=("pk=drill_id",)
    ),
    **{
        name: Page(rules.masters, exists=rules.exists_when_published, args=("pk=drill_id",))
        for name in ("culture:drill_master", "culture:drill_master_board", "culture:edit_drill")
    },
    **{
        name: Page(
            rules.masters, "POST", data, exists=rules.exists_when_published, args=("pk=drill_id",)
        )
        for name, data in (
            ("culture:start_drill", {}),
            ("culture:drill_phase", {"phase": "diagnosis"}),
            ("culture:drill_clock", {"time_limit": "50"}),
            ("culture:finish_drill", {}),
            ("culture:drill_debrief", {"debrief": "Matrix."}),
            ("culture:drill_opening", {"opening-opening": "Matrix."}),
            (
                "culture:add_drill_card",
                {"new-phase": "detection", "new-text": "Matrix.", "new-reveals": "Matrix."},
            ),
            ("culture:add_drill_question", {"ask-phase": "detection", "ask-text": "Matrix?"}),
        )
    },
    **{
        name: Page(
            rules.masters,
            "POST",
            {},
            exists=rules.exists_when_published,
            args=("pk=question_id",),
        )
        for name in ("culture:edit_drill_question", "culture:remove_drill_question")
    },
    **{
        name: Page(
            rules.masters, "POST", {}, exists=rules.exists_when_published, args=("pk=card_id",)
        )
        for name in (
            "culture:reveal_card",
            # Refused input (no fields): still 403/404 for whoever is not the game master.
            "culture:edit_drill_card",
            "culture:remove_drill_card",
        )
    },
    "culture:delete_session_comment": Page(
        rules.runs_the_session, "POST", {}, args=("pk=session_comment_id",)
    ),
}
# Addresses outside the session's rules: webhooks authenticate by their integration's secret
# (integrations/tests), the admin site is Django's (admins only), the API has its own matrix.
# Slack's commands and interactions authenticate by Slack's signature, like integrations:receive
# (integrations/slack/tests), and answer as the Hansei user the Slack user's e-mail names.
NOT_PAGES = {
    "integrations:receive",
    # Trackers' webhooks authenticate by their configuration's token and signature
    # (integrations/<tracker>/tests).
    "integrations:tracker_github",
    "integrations:tracker_gitlab",
    "integrations:tracker_jira_cloud",
    "integrations:tracker_jira_server",
    "integrations:tracker_linear",
    "integrations:slack_commands",
    "integrations:slack_interactions",
}
OTHERS = ("admin/", "api/", "i18n/", "^api/")


def _named_routes(patterns: Any, namespace: str = "", prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _named_routes(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern) and pattern.name and not route.startswith(OTHERS):
            yield namespace + pattern.name


def test_every_page_address_has_a_rule_in_the_matrix() -> None:
    routes = set(_named_routes(get_resolver().url_patterns)) - NOT_PAGES
    assert sorted(routes - set(PAGES)) == [], "pages without a matrix entry"
    assert sorted(set(PAGES) - routes) == [], "matrix entries without a page"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from django.db import transaction

    from hansei.administration.tests.links import invitation_ids
    from hansei.collab.comments.services import reply_to_comment_thread
    from hansei.culture.awards.models import Nomination
    from hansei.culture.awards.services import round_for
    from hansei.culture.feedback.models import Survey
    from hansei.culture.tests.reading_world import drill_ids, reading_club_ids
    from hansei.incidents.services import IncidentInput, create_incident
    from hansei.notifications.models import Notification
    from hansei.notifications.reasons import Reason
    from hansei.notifications.services import follow, reset_feed_token
    from hansei.notifications.unsubscribe import token_for
    from hansei.postmortems.customer.tests.publishing import publish_customer_version
    from hansei.reviews.meetings import MeetingInput, schedule_review_meeting
    from hansei.search.models import Synonym
    from hansei.search.saved import save_search

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        draft = built.cases["draft"]
        free = create_incident(
            actor=built.users["admin"],
            data=IncidentInput(
                title="Search was slow",
                severity=draft.postmortem.incidents.get().severity,
                team=draft.postmortem.team,
                started_at=timezone.now() - timedelta(hours=2),
                resolved_at=timezone.now() - timedelta(hours=1),
            ),
        )
        feed_token = reset_feed_token(actor=built.users["writer"])
        links = invitation_ids(built.users["admin"])
        award_round = round_for(timezone.localdate().replace(day=1))
        for case in built.cases.values():
            reply_to_comment_thread(
                actor=built.users["admin"],
                thread=case.postmortem.comment_threads.get(pk=case.ids["thread_id"]),
                body="@bob have a look",
            )
            case.ids.update(
                year=award_round.month.year,
                month=award_round.month.month,
                username=built.users["writer"].username,
                survey_id=Survey.objects.filter(postmortem=case.postmortem)
                .values_list("pk", flat=True)
                .first()
                or 0,
                owner_id=case.postmortem.owner_id,
                # Nominated while it could be (a published one, restricted or not since).
                nomination_id=Nomination.objects.create(
                    round=award_round, postmortem=case.postmortem, reason="Matrix."
                ).pk
                if case.postmortem.published_at
                else 0,
                free=free.pk,
                fmt="md",
                figure="incidents",
                action="submit",
                person_id=built.users["writer"].pk,
                **links,
                customer_token=publish_customer_version(
                    case.postmortem, writer=built.users["writer"], approver=built.users["admin"]
                ),
                index=0,
                template_id=built.template_id,
                notification_id=Notification.objects.filter(recipient=built.users["writer"])
                .values_list("pk", flat=True)
                .first(),
                team_id=case.postmortem.team_id,
                synonym_id=Synonym.objects.get_or_create(words="PSP, payment provider")[0].pk,
                team_slug=case.postmortem.team.slug,
                feed_token=feed_token,
                subscription_id=follow(actor=built.users["writer"], target=case.postmortem)[0].pk,
                saved_id=save_search(
                    actor=built.users["writer"],
                    name=f"case {case.postmortem.pk}",
                    query="x",
                    filters={},
                ).pk,
                unsubscribe_token=token_for(
                    built.users["writer"], kind="published", reason=Reason("member", "Payments")
                ),
                meeting_id=schedule_review_meeting(
                    actor=built.users["admin"],
                    postmortem=case.postmortem,
                    data=MeetingInput(
                        starts_at=timezone.now() + timedelta(days=2),
                        duration=60,
                        invitees=[built.users["writer"]],
                    ),
                ).pk,
            )
        # The integrations' pages: one integration of the postmortems' team.
        from hansei.integrations.models import Integration

        integration = Integration.objects.create(
            kind="pagerduty",
            name="Matrix PagerDuty",
            team=draft.postmortem.team,
            default_severity=draft.postmortem.incidents.get().severity,
        )
        for case in built.cases.values():
            case.ids["integration_id"] = integration.pk
            case.ids.update(reading_club_ids(case.postmortem, built.users))
            case.ids.update(drill_ids(case.postmortem, built.users))
        yield built
        transaction.set_rollback(True)


def _value(value: Any, ids: dict[str, Any]) -> Any:
    """A form value: ``free`` and ``$name`` stand for the case's ids."""
    if value == "free":
        return ids["free"]
    return ids[value[1:]] if isinstance(value, str) and value.startswith("$") else value


def _url(name: str, page: Page, ids: dict[str, Any]) -> str:
    pairs = [arg.partition("=") for arg in page.args]
    kwargs = {kwarg: ids[source or kwarg] for kwarg, _eq, source in pairs}
    return reverse(name, kwargs=kwargs)


def _outcome(response: Any) -> str:
    if response.status_code in (401, 403, 404):
        return "denied"
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if location.startswith(reverse("accounts:login")):
        return "denied"
    return "allowed"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_allows_exactly_whom_the_rules_allow(world: World, name: str) -> None:
    page = PAGES[name]
    wrong = []
    for state in STATES:
        case = world.cases[state]
        url = _url(name, page, case.ids)
        data = {k: _value(v, case.ids) for k, v in (page.data or {}).items()}
        for role in ROLES:
            allowed = page.rule(role, state) and (page.exists is None or page.exists(state))
            with rolled_back():
                client = Client()
                if role != "anonymous":
                    client.force_login(world.users[role])
                posting = page.method == "POST"
                before = fingerprint() if posting else {}
                response = client.post(url, data) if posting else client.get(url)
                after = fingerprint() if posting else {}
            got = _outcome(response)
            expected = "allowed" if allowed else "denied"
            if got != expected:
                wrong.append(
                    f"{state:<10} {role:<9} expected {expected}, got {response.status_code}"
                )
            changed = changed_tables(before, after)
            if expected == "denied" and changed and not page.audited:
                wrong.append(f"{state:<10} {role:<9} refused but changed {changed}")
    assert not wrong, f"{name} ({page.method}):\n" + "\n".join(wrong)
