"""``/hansei``: the slash command. Each answer is ephemeral (only its caller sees it), lists
at most ten things by title with links back, and shows only what the caller's Hansei account
(found by e-mail) may read: never a section's text.

    /hansei search <words>   the archive, best match first
    /hansei reviews          reviews waiting for you
    /hansei actions          your unfinished action items, overdue first
    /hansei start <incident> start the incident's postmortem
    /hansei help             this list
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import absolute_url
from hansei.integrations.slack import blocks
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.document.services import create_postmortem
from hansei.reviews.models import Decision, Review
from hansei.search.queries import MAX_QUERY_LENGTH, search_postmortems

MAX_RESULTS = 10
Answer = dict[str, Any]


def answer(text: str, *lines: str) -> Answer:
    """An ephemeral answer: a sentence, then one line per result."""
    shown = [blocks.section(blocks.escape(text))]
    if lines:
        shown.append(blocks.section("\n".join(lines)))
    return blocks.ephemeral(blocks.escape(text), shown)


def postmortem_link(user: User, postmortem: Postmortem) -> str:
    url = absolute_url(reverse("postmortems:detail", args=[postmortem.pk]))
    return blocks.link(url, access.title_shown_to(user, postmortem))


def run_command(user: User, text: str) -> Answer:
    """The answer to ``/hansei <text>`` for ``user``."""
    words = text.split(maxsplit=1)
    name = words[0].lower() if words else "help"
    rest = words[1].strip() if len(words) > 1 else ""
    command = COMMANDS.get(name)
    if command is None:
        return help_answer(_("I don't know “%(name)s”.") % {"name": blocks.cut(name, 40)})
    return command(user, rest)


def help_answer(first: str = "") -> Answer:
    lines = [
        _("`/hansei search <words>`: published postmortems you may read"),
        _("`/hansei reviews`: reviews waiting for you"),
        _("`/hansei actions`: your unfinished action items, overdue first"),
        _("`/hansei start <incident number>`: start an incident's postmortem"),
    ]
    return answer(first or _("What /hansei can do:"), *map(blocks.escape, lines))


def search(user: User, words: str, *, limit: int = MAX_RESULTS) -> Answer:
    if not words:
        return answer(_("Say what to look for: /hansei search <words>."))
    if len(words) > MAX_QUERY_LENGTH:
        return answer(_("Ask in %(n)s characters or fewer.") % {"n": MAX_QUERY_LENGTH})
    try:
        found = search_postmortems(user=user, query=words, limit=limit)
    except ValidationError as error:
        return answer(" ".join(error.messages))
    archive = absolute_url(reverse("search:archive") + "?" + urlencode({"q": words}))
    if not found.results:
        return answer(_("No published postmortem you may read matches “%(q)s”.") % {"q": words})
    lines = [f"• {postmortem_link(user, r.postmortem)}" for r in found.results]
    if found.total > len(found.results):
        lines.append(blocks.link(archive, _("All %(n)s in the archive") % {"n": found.total}))
    return answer(_("Postmortems matching “%(q)s”:") % {"q": words}, *lines)


def reviews(user: User, rest: str) -> Answer:
    waiting = (
        Review.objects.filter(
            reviewer=user, decision=Decision.PENDING, postmortem__status=Status.IN_REVIEW
        )
        .current()
        .select_related("postmortem")
        .order_by("requested_at")[:MAX_RESULTS]
    )
    lines = [f"• {postmortem_link(user, review.postmortem)}" for review in waiting]
    if not lines:
        return answer(_("No review is waiting for you."))
    return answer(_("Reviews waiting for you:"), *lines)


def actions(user: User, rest: str) -> Answer:
    today = timezone.localdate()
    items = (
        access.action_items_visible_to(user)
        .filter(owner=user)
        .unfinished()
        .order_by(F("due_date").asc(nulls_last=True), "priority", "pk")[:MAX_RESULTS]
    )
    lines = []
    for item in items:
        url = absolute_url(reverse("action_items:edit", args=[item.pk]))
        due = ""
        if item.due_date is not None:
            late = _("overdue since %(d)s") if item.is_overdue(today) else _("due %(d)s")
            due = " · " + late % {"d": item.due_date.isoformat()}
        lines.append(f"• {blocks.link(url, item.title)} ({item.priority}{due})")
    if not lines:
        return answer(_("You have no unfinished action item."))
    return answer(_("Your unfinished action items:"), *lines)


def start(user: User, rest: str) -> Answer:
    number = re.fullmatch(r"#?(\d{1,18})", rest)
    if number is None:
        return answer(_("Give the incident's number: /hansei start 42."))
    try:
        incident = access.get_incident_for_user(user, number[1])
    except Http404:
        return answer(_("You have no incident #%(n)s.") % {"n": number[1]})
    existing = incident.postmortem
    if existing is not None:
        if access.can_view_postmortem(user, existing):
            return answer(
                _("This incident already has a postmortem:"), postmortem_link(user, existing)
            )
        return answer(_("This incident already has a postmortem."))
    try:
        postmortem = create_postmortem(actor=user, incident=incident)
    except PermissionDenied as error:
        return answer(str(error) or _("You may not start this postmortem."))
    except (ValidationError, InvalidState) as error:
        return answer(service_error_text(error))
    return answer(_("The draft is started. Write it together:"), postmortem_link(user, postmortem))


COMMANDS: dict[str, Callable[[User, str], Answer]] = {
    "help": lambda user, rest: help_answer(),
    "search": search,
    "reviews": reviews,
    "actions": actions,
    "start": start,
}
