"""The message a chat job sends, written when it is sent from the rows as they are then, in
the postmortem's language: titles, a link and facts (team, severity, owner, how long the
incident lasted, what an amendment changed), never a section's text.

Nothing is written (None) when what the job was about is gone or has been restricted since:
a restricted postmortem is never announced."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hansei.accounts.models import User
from hansei.core.dates import format_duration
from hansei.core.http import absolute_url
from hansei.incidents.models import Incident
from hansei.integrations.chat.digest import digest_message
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.models import ChatEvent, ChatRoute
from hansei.postmortems.document.models import Postmortem, Revision

TEST = "test"
Row = TypeVar("Row", bound=Model)


def message_for(route: ChatRoute, payload: dict[str, Any]) -> ChatMessage | None:
    event = str(payload.get("event", ""))
    key = str(payload.get("key", ""))
    if event == TEST:
        return test_message(route, key)
    if event == ChatEvent.DIGEST:
        with translation.override(settings.LANGUAGE_CODE):
            return digest_message(route, key, _reason(route), timezone.now())
    postmortem = _row(Postmortem.objects.select_related("team", "owner"), payload, "postmortem")
    if postmortem is None or postmortem.restricted:
        return None
    revision = None
    if event in (ChatEvent.PUBLISHED, ChatEvent.AMENDED):
        revision = _row(Revision.objects.filter(postmortem=postmortem), payload, "revision")
        if revision is None:
            return None
    actor = _row(User.objects.all(), payload, "actor")
    with translation.override(postmortem.language or "en"):
        return _announcement(route, postmortem, event, key, revision, actor)


def _row(rows: QuerySet[Row], payload: dict[str, Any], name: str) -> Row | None:
    """The row whose id the payload gives under ``name`` (None: no id, or no such row)."""
    pk = payload.get(name)
    return rows.filter(pk=pk).first() if isinstance(pk, int) else None


def test_message(route: ChatRoute, key: str) -> ChatMessage:
    with translation.override("en"):
        return ChatMessage(
            event=TEST,
            headline=_("Test message from Hansei: this route works."),
            title=route.name,
            url=absolute_url("/"),
            reason=_reason(route),
            key=key,
        )


def _announcement(
    route: ChatRoute,
    postmortem: Postmortem,
    event: str,
    key: str,
    revision: Revision | None,
    actor: User | None,
) -> ChatMessage:
    team = postmortem.team.name
    headlines = {
        ChatEvent.PUBLISHED: _("%(team)s published a postmortem"),
        ChatEvent.AMENDED: _("%(team)s amended a postmortem (revision %(number)s)"),
        ChatEvent.SUBMITTED: _("%(team)s submitted a postmortem for review"),
    }
    headline = headlines[ChatEvent(event)] % {
        "team": team,
        "number": revision.number if revision else "",
    }
    worst = _worst_incident(postmortem)
    facts = [(_("Team"), team)]
    if worst is not None:
        facts.append((_("Severity"), str(worst.severity)))
        facts.append((_("Incident duration"), format_duration(worst.time_to_resolve)))
    facts.append((_("Owner"), postmortem.owner.name))
    if actor is not None:
        by = _("Submitted by") if event == ChatEvent.SUBMITTED else _("Published by")
        facts.append((by, actor.name))
    if revision is not None and revision.is_amendment and revision.change_note:
        facts.append((_("What changed"), revision.change_note))
    url = absolute_url(reverse("postmortems:detail", args=[postmortem.pk]))
    return ChatMessage(
        event=event,
        headline=headline,
        title=postmortem.published_title or postmortem.title,
        url=url,
        facts=tuple(facts),
        reason=_reason(route),
        key=key,
        extra={"postmortem": _document(postmortem, url, worst, revision)},
    )


def _reason(route: ChatRoute) -> str:
    if route.team_id is None:
        return _("Sent by the Hansei route “%(route)s”, for every team's postmortems.") % {
            "route": route.name
        }
    return _("Sent by the Hansei route “%(route)s”, for the %(team)s team's postmortems.") % {
        "route": route.name,
        "team": route.team.name if route.team else "",
    }


def _worst_incident(postmortem: Postmortem) -> Incident | None:
    incidents = postmortem.incidents.select_related("severity")
    found: Incident | None = incidents.order_by("severity__level", "started_at").first()
    return found


def _document(
    postmortem: Postmortem, url: str, worst: Incident | None, revision: Revision | None
) -> dict[str, Any]:
    """The postmortem as the outgoing webhook's JSON shows it."""
    duration = worst.time_to_resolve if worst else None
    return {
        "id": postmortem.pk,
        "title": postmortem.published_title or postmortem.title,
        "url": url,
        "team": postmortem.team.name,
        "team_slug": postmortem.team.slug,
        "severity": str(worst.severity) if worst else None,
        "severity_level": worst.severity.level if worst else None,
        "owner": postmortem.owner.name,
        "status": postmortem.status,
        "language": postmortem.language,
        "revision": revision.number if revision else None,
        "change_note": revision.change_note if revision else "",
        "published_at": postmortem.published_at.isoformat() if postmortem.published_at else None,
        "incident_duration_minutes": int(duration.total_seconds() // 60) if duration else None,
    }
