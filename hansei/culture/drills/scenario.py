"""A drill's scenario, written from a postmortem's latest published revision.

* People become roles: the incident commander, responders numbered in the order the incident
  lists them, anyone else "an engineer" (display names, full names, user names, @mentions).
* The opening gives symptoms only: what was affected and the first thing noticed (the first
  detection entry of the timeline, else its first entry), never a cause.
* The cards are the timeline's key events (every entry when none is marked; never the
  incident's milestones Hansei writes into it, which say when, not what), in order, each
  in the phase the incident was in at the time (before it was acknowledged: detection; before
  it was mitigated: diagnosis; after: mitigation; by the entry's kind when the incident has no
  such times), with what the players must do for the game master to reveal it.
* The answer key: the trigger, root causes, contributing factors and what went well or
  wrong, as published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from hansei.accounts.models import User
from hansei.culture.drills.models import Phase
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.timeline.models import TimelineKind

KEY_SECTIONS = (
    ("trigger",),
    ("root_causes", "genin"),
    ("went_well",),
    ("went_wrong",),
    ("got_lucky",),
)
MIN_NAME = 3  # shorter names ("Al") would match inside ordinary words
MIN_CJK_NAME = 2  # 田中: two characters make a name


def _long_enough(name: str) -> bool:
    return len(name) >= (MIN_NAME if name.isascii() else MIN_CJK_NAME)


@dataclass
class CardPlan:
    phase: str
    offset_minutes: int | None
    text: str
    reveals: str


@dataclass
class Scenario:
    title: str
    opening: str
    answer_key: list[dict[str, str]]
    cards: list[CardPlan] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)


class Roles:
    """Replaces people's names in a text by their role in the incident."""

    def __init__(
        self, incidents: Iterable[Incident], people: Iterable[User], involved: set[int]
    ) -> None:
        roles: dict[int, str] = {}
        responders = 0
        for incident in incidents:
            if incident.commander_id:
                roles.setdefault(incident.commander_id, _("the incident commander"))
            for responder in incident.responders.order_by("pk"):
                if responder.pk not in roles:
                    responders += 1
                    roles[responder.pk] = _("responder %(n)s") % {"n": responders}
        names: dict[str, str] = {}
        for person in people:
            role = roles.get(person.pk, _("an engineer"))
            # A user name ("ops", "deploy") may be an ordinary word: only those of the people
            # involved are replaced; everyone's display and full names are.
            own = [person.username] if person.pk in involved or person.pk in roles else []
            for name in (person.display_name, person.get_full_name(), *own):
                if name and _long_enough(name):
                    names.setdefault(name.casefold(), role)
            for part in (person.first_name, person.last_name):
                if part and _long_enough(part):
                    names.setdefault(part.casefold(), role)
        self.names = names
        ordered = sorted(names, key=len, reverse=True)  # "Alice Smith" before "Alice"
        self.pattern = (
            re.compile("@?(?:" + "|".join(_bounded(name) for name in ordered) + ")", re.IGNORECASE)
            if ordered
            else None
        )

    def replace(self, text: str) -> str:
        if self.pattern is None or not text:
            return text

        def role(match: re.Match[str]) -> str:
            found = self.names[match.group(0).lstrip("@").casefold()]
            before = text[: match.start()].rstrip()
            starts = not before or before[-1] in ".!?:\n"  # a sentence starts with it
            return found[:1].upper() + found[1:] if starts else found

        return self.pattern.sub(role, text)


def _bounded(name: str) -> str:
    """``name`` as a pattern; whole words only where the name is written in words."""
    escaped = re.escape(name)
    if name.isascii():
        return rf"(?<![\w]){escaped}(?![\w])"
    return escaped  # Japanese names are not separated by spaces


def _phase(moment: datetime | None, incident: Incident | None, kind: str, position: float) -> str:
    if incident is not None and moment is not None:
        acknowledged = incident.acknowledged_at or incident.detected_at
        if acknowledged and moment <= acknowledged:
            return Phase.DETECTION
        if incident.mitigated_at and moment < incident.mitigated_at:
            return Phase.DIAGNOSIS
        if incident.mitigated_at:
            return Phase.MITIGATION
    if kind in (TimelineKind.DETECTION, TimelineKind.ESCALATION):
        return Phase.DETECTION
    if kind == TimelineKind.ACTION:
        return Phase.MITIGATION
    return Phase.DIAGNOSIS if position < 2 / 3 else Phase.MITIGATION


def _reveals(kind: str, phase: str, link: str) -> str:
    if kind == TimelineKind.DETECTION:
        text = _("The players ask what alerted, or look at the alerts and dashboards.")
    elif kind == TimelineKind.ESCALATION:
        text = _("The players decide to page or escalate to someone else.")
    elif kind == TimelineKind.ACTION:
        text = _("The players propose this action, or one close to it.")
    elif kind == TimelineKind.COMMUNICATION:
        text = _("The players ask what was said to customers or on the status page.")
    elif phase == Phase.DETECTION:
        text = _("The players look at their monitoring.")
    elif phase == Phase.DIAGNOSIS:
        text = _("The players investigate: logs, metrics, recent changes, dependencies.")
    else:
        text = _("The players propose a way to stop the impact.")
    if link:
        text += " " + _("The linked graph or log is what they would see.")
    return text


def _questions() -> list[tuple[str, str]]:
    return [
        (Phase.DETECTION, _("How would you know something is wrong? What do you look at first?")),
        (Phase.DETECTION, _("Who do you page, and when?")),
        (Phase.DIAGNOSIS, _("What are your hypotheses? What would confirm or rule out each?")),
        (Phase.DIAGNOSIS, _("What changed recently, and how do you find out?")),
        (Phase.MITIGATION, _("What is the fastest safe way to stop the impact?")),
        (Phase.MITIGATION, _("How do you know it worked, and what do you tell customers?")),
    ]


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def write_scenario(postmortem: Postmortem, revision: Revision) -> Scenario:
    """The scenario of ``revision`` (the latest published one of ``postmortem``), in the
    postmortem's language."""
    data: dict[str, Any] = revision.snapshot
    incidents = list(Incident.objects.filter(postmortem=postmortem).order_by("started_at", "pk"))
    with override(postmortem.language or "en"):
        involved = {
            postmortem.owner_id,
            postmortem.created_by_id,
            *postmortem.timeline.values_list("created_by", flat=True),
            *postmortem.team.members.values_list("pk", flat=True),
        }
        roles = Roles(incidents, User.objects.all(), {pk for pk in involved if pk})
        first = incidents[0] if incidents else None
        # The incident's milestones, written into the timeline by Hansei ("Mitigated: …"),
        # say when, not what: the phases follow them, the cards do not.
        timeline = [
            e
            for e in data.get("timeline") or []
            if not (e.get("kind") == TimelineKind.MILESTONE and e.get("source"))
        ]
        opening_entry = next(
            (e for e in timeline if e.get("kind") == TimelineKind.DETECTION),
            timeline[0] if timeline else None,
        )
        services = sorted({s for i in data.get("incidents") or [] for s in i.get("services") or []})
        lines = []
        if services:
            lines.append(_("Affected: %(services)s.") % {"services": ", ".join(services)})
        if opening_entry is not None:
            lines.append(roles.replace(str(opening_entry.get("text") or "")))
        else:
            lines.append(_("Something is wrong in production. Nobody knows what yet."))
        start = _time(opening_entry.get("occurred_at")) if opening_entry else None
        key_events = [e for e in timeline if e.get("is_key_event")] or timeline
        events = [e for e in key_events if e is not opening_entry]
        cards = []
        for number, entry in enumerate(events):
            moment = _time(entry.get("occurred_at"))
            kind = str(entry.get("kind") or "")
            phase = _phase(moment, first, kind, number / max(len(events), 1))
            offset = int((moment - start).total_seconds() // 60) if moment and start else None
            cards.append(
                CardPlan(
                    phase=phase,
                    offset_minutes=offset,
                    text=roles.replace(str(entry.get("text") or "")),
                    reveals=_reveals(kind, phase, str(entry.get("link_url") or "")),
                )
            )
        return Scenario(
            title=_("Drill: %(title)s") % {"title": roles.replace(str(data.get("title") or ""))},
            opening="\n\n".join(lines),
            answer_key=_answer_key(data, roles),
            cards=cards,
            questions=_questions(),
        )


def _answer_key(data: dict[str, Any], roles: Roles) -> list[dict[str, str]]:
    sections = {s.get("key"): s for s in data.get("sections") or []}
    key = []
    for keys in KEY_SECTIONS:
        section = next((sections[k] for k in keys if k in sections), None)
        if section and str(section.get("body") or "").strip():
            key.append(
                {"title": str(section.get("title") or ""), "body": roles.replace(section["body"])}
            )
    factors = [
        "- " + roles.replace(str(f.get("description") or ""))
        for f in data.get("contributing_factors") or []
        if str(f.get("description") or "").strip()
    ]
    if factors:
        key.append({"title": _("Contributing factors"), "body": "\n".join(factors)})
    return key
