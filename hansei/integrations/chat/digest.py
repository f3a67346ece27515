"""The weekly digest to chat routes that ask for it (event ``digest``, queued on Monday
mornings by ``services.send_chat_digests``): what the route's team (or every team) published
in the week and what is late, counted. Like every announcement it carries titles, links and
numbers only, and never a restricted or unpublished postmortem's title."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.action_items.models import ActionItem
from hansei.core.http import absolute_url
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.models import ChatEvent, ChatRoute
from hansei.postmortems.document.models import Postmortem, Status

TITLES_SHOWN = 5


def digest_message(route: ChatRoute, key: str, reason: str, now: datetime) -> ChatMessage:
    """The week as ``route`` sees it (its team's, or every team's), in the active language."""
    today = timezone.localdate(now)
    postmortems = Postmortem.objects.all()
    items = ActionItem.objects.all()
    if route.team_id is not None:
        postmortems = postmortems.filter(team=route.team_id)
        items = items.filter(postmortem__team=route.team_id)
    published = postmortems.filter(published_at__gte=now - timedelta(days=7), restricted=False)
    latest = list(published.order_by("-published_at")[:TITLES_SHOWN])
    counts = {
        "published": published.count(),
        "in_review": postmortems.filter(status=Status.IN_REVIEW).count(),
        "overdue_postmortems": postmortems.overdue(today).count(),
        "overdue_action_items": items.overdue(today).count(),
    }
    facts = [
        (_("Published this week"), str(counts["published"])),
        (_("In review"), str(counts["in_review"])),
        (_("Overdue postmortems"), str(counts["overdue_postmortems"])),
        (_("Overdue action items"), str(counts["overdue_action_items"])),
    ]
    if latest:
        facts.append((_("Latest"), " · ".join(p.published_title or p.title for p in latest)))
    url = absolute_url(reverse("search:archive"))
    documents = [
        {
            "id": p.pk,
            "title": p.published_title or p.title,
            "url": absolute_url(reverse("postmortems:detail", args=[p.pk])),
        }
        for p in latest
    ]
    return ChatMessage(
        event=ChatEvent.DIGEST,
        headline=_("Postmortems this week"),
        title=route.team.name if route.team else _("Every team"),
        url=url,
        facts=tuple(facts),
        reason=reason,
        key=key,
        extra={"digest": {**counts, "latest": documents}},
    )
