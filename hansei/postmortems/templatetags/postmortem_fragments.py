"""Parts of other apps' pages that belong to postmortems: a page below postmortems shows them
by loading this library (``{% load postmortem_fragments %}``), never by importing postmortems."""

from __future__ import annotations

from typing import Any

from django import template

from hansei import access
from hansei.incidents.models import Incident
from hansei.incidents.policy import Requirement
from hansei.postmortems.document.forms import StartPostmortemForm
from hansei.postmortems.document.queries import default_due_date, default_template

register = template.Library()


@register.inclusion_tag("postmortems/_start_postmortem.html", takes_context=True)
def start_postmortem_card(
    context: dict[str, Any], incident: Incident, requirement: Requirement
) -> dict[str, Any]:
    """The incident page's "Start the postmortem" card: for the people who manage the
    incident, while it has no postmortem and needs one."""
    request = context["request"]
    user = request.user
    start_form = None
    if (
        requirement.needed
        and not incident.postmortem_id
        and access.can_manage_incident(user, incident)
    ):
        template_ = default_template(user.language or request.LANGUAGE_CODE)
        start_form = StartPostmortemForm(
            team=incident.team,
            initial={
                "template": template_ or default_template(),
                "owner": incident.commander or user,
                "due_date": default_due_date(incident.severity),
            },
        )
    return {"incident": incident, "start_form": start_form, "csrf_token": context.get("csrf_token")}
