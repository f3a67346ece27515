"""Why someone is told: every message says it, and its unsubscribe link stops exactly that
(the subscription behind it, or that kind of message by e-mail)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

TEXTS = {
    "asked": gettext_noop("You were asked to review it."),
    "owner": gettext_noop("You own this postmortem."),
    "mentioned": gettext_noop("You were mentioned."),
    "participant": gettext_noop("You took part in this thread."),
    "member": gettext_noop("You are a member of the %(name)s team."),
    "item_owner": gettext_noop("You own this action item."),
    "lead": gettext_noop("You lead the %(name)s team."),
    "commander": gettext_noop("You led the response to this incident."),
    "postmortem": gettext_noop("You follow this postmortem."),
    "team": gettext_noop("You follow the %(name)s team."),
    "service": gettext_noop("You follow the %(name)s service."),
    "severity": gettext_noop("You follow %(name)s postmortems."),
    "invited": gettext_noop("You are invited to this review meeting."),
    "saved_search": gettext_noop("It matches your saved search “%(name)s”."),
    "everyone": gettext_noop("Everyone in the organisation hears of it."),
    "thanked": gettext_noop("You were thanked."),
    "took_part": gettext_noop("You took part in this postmortem."),
    "coming": gettext_noop("You said you are coming."),
    "facilitator": gettext_noop("You facilitate this session."),
    "responded": gettext_noop("You responded to the incident."),
}


@dataclass(frozen=True)
class Reason:
    """``code``: a key of TEXTS; ``name``: the team, service or severity it names;
    ``subscription``: the subscription behind it, if any."""

    code: str
    name: str = ""
    subscription: int | None = None

    def text(self) -> str:
        """In the active language."""
        return _(TEXTS[self.code]) % {"name": self.name}

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(str(data["code"]), str(data.get("name") or ""), data.get("subscription"))


ASKED = Reason("asked")
OWNER = Reason("owner")
MENTIONED = Reason("mentioned")
PARTICIPANT = Reason("participant")
ITEM_OWNER = Reason("item_owner")
INVITED = Reason("invited")
EVERYONE = Reason("everyone")
COMING = Reason("coming")
FACILITATOR = Reason("facilitator")
RESPONDED = Reason("responded")
THANKED = Reason("thanked")
TOOK_PART = Reason("took_part")
