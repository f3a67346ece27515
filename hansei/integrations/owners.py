"""Who owns the postmortem an intake webhook drafts, and drafting it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.incidents.history import record_event
from hansei.incidents.models import Incident, IncidentEventKind
from hansei.incidents.policy import postmortem_requirement
from hansei.integrations.models import Integration, OwnerRule
from hansei.postmortems.document.services import create_postmortem
from hansei.postmortems.events import POSTMORTEM_DRAFTED_FOR_OWNER


def _candidate(rule: str, incident: Incident) -> tuple[User | None, str]:
    """The person a rule names, or None and why not."""
    if rule == OwnerRule.COMMANDER:
        user, missing = incident.commander, _("no incident commander is set")
    elif rule == OwnerRule.FIRST_ACKNOWLEDGER:
        user = incident.first_acknowledged_by
        missing = _("no Hansei user acknowledged it")
    else:
        user = incident.team.leads().filter(is_active=True).order_by("pk").first()
        missing = _("the team has no lead")
    if user is None:
        return None, missing
    if not access.can_own_postmortems_of(user, incident.team_id):
        return None, _("%(user)s cannot write for the team") % {"user": user.name}
    return user, ""


def choose_owner(integration: Integration, incident: Incident) -> tuple[User | None, str]:
    """The owner by the integration's rule, else the next rules in order, else any writer of
    the team; with a sentence saying how they were chosen."""
    labels = dict(OwnerRule.choices)
    rules = [integration.owner_rule] + [r for r in OwnerRule.values if r != integration.owner_rule]
    skipped: list[str] = []
    for rule in rules:
        user, why_not = _candidate(rule, incident)
        if user is not None:
            how = str(labels[rule]).lower()
            break
        skipped.append(f"{str(labels[rule]).lower()}: {why_not}")
    else:
        members = incident.team.members.filter(is_active=True).order_by("pk")
        user = next(
            (m for m in members if access.can_own_postmortems_of(m, incident.team_id)), None
        )
        how = _("a writer of the team")
    if user is None:
        return None, "; ".join(skipped)
    if skipped:
        how = _("%(how)s (skipped %(skipped)s)") % {"how": how, "skipped": "; ".join(skipped)}
    return user, how


def draft_required_postmortem(*, integration: Integration, incident: Incident) -> None:
    """On resolution: if the policy wants a postmortem and there is none, draft it, assign it by
    the integration's owner rule and tell the owner. Never fails the delivery."""
    requirement = postmortem_requirement(incident)
    if not requirement.needed or incident.postmortem_id:
        return
    key = f"{integration.kind}:postmortem-draft"
    owner, how = choose_owner(integration, incident)
    if owner is None:
        text = _("A postmortem is required but no one on the team can own it (%(why)s).")
        record_event(
            incident=incident,
            kind=IncidentEventKind.NOTE,
            text=text % {"why": how},
            source=integration.kind,
            key=key,
        )
        return
    try:
        with transaction.atomic():
            postmortem = create_postmortem(actor=owner, incident=incident, owner=owner)
    except (InvalidState, ValidationError, PermissionDenied) as exc:
        record_event(
            incident=incident,
            kind=IncidentEventKind.NOTE,
            text=_("The postmortem draft could not be created: %(error)s") % {"error": exc},
            source=integration.kind,
            key=key,
        )
        return
    incident.refresh_from_db()
    reasons = [reason.text for reason in requirement.reasons]
    record_event(
        incident=incident,
        kind=IncidentEventKind.NOTE,
        text=_("Postmortem draft created (%(reasons)s); owner %(owner)s, chosen as %(how)s.")
        % {
            "reasons": "; ".join(reasons) or _("requested"),
            "owner": owner.name,
            "how": how,
        },
        source=integration.kind,
        key=key,
    )
    events.emit(
        POSTMORTEM_DRAFTED_FOR_OWNER,
        actor_id=owner.pk,
        postmortem_id=postmortem.pk,
        incident_id=incident.pk,
    )
