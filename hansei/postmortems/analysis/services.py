"""The structured analysis of a postmortem: impact figures, contributing factors, 5-whys chains
and the incidents it covers. Every change goes through one of these functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.incidents.models import Incident
from hansei.postmortems.analysis.models import (
    ContributingFactor,
    ContributingFactorCategory,
    ImpactUnit,
    PostmortemImpact,
    WhyChain,
)
from hansei.postmortems.analysis.queries import (
    root_cause_section,
    why_chain_markdown,
)
from hansei.postmortems.document import live_text
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import Postmortem, Section
from hansei.postmortems.document.services import update_section
from hansei.postmortems.events import ANALYSIS_CHANGED
from hansei.postmortems.timeline import services as timeline_services

MAX_WHYS = 7
MAX_WHY_CHARS = 500
MAX_FACTOR_CHARS = 5000
MAX_IMPACT_NOTES = 5000
CURRENCY = re.compile(r"^[A-Z]{3}$")
# The largest value each column holds (digits before the decimal point).
LIMITS = {
    "affected_count": 9_223_372_036_854_775_807,
    "user_visible_minutes": 2_147_483_647,
    "support_tickets": 2_147_483_647,
    "revenue_impact": Decimal("999999999999.99"),
    "error_budget_percent": Decimal("9999.999"),
}


@dataclass
class ImpactInput:
    """The impact in numbers; None means "not known"."""

    affected_count: int | None = None
    affected_unit: str = ImpactUnit.USERS
    requests_failed_percent: Decimal | None = None
    user_visible_minutes: int | None = None
    support_tickets: int | None = None
    revenue_impact: Decimal | None = None
    revenue_currency: str = ""
    error_budget_percent: Decimal | None = None
    notes: str = ""


def _touch(postmortem: Postmortem, actor: User) -> None:
    Postmortem.objects.filter(pk=postmortem.pk).update(updated_at=timezone.now())
    events.emit(ANALYSIS_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)


# --- impact -------------------------------------------------------------------------------


def _impact_errors(data: ImpactInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = getattr(data, name)
        if value is not None and value < 0:
            errors[name] = _("It cannot be negative.")
        elif value is not None and value > limit:
            errors[name] = _("It is too large.")
    percent = data.requests_failed_percent
    if percent is not None and not 0 <= percent <= 100:
        errors["requests_failed_percent"] = _("A percentage from 0 to 100.")
    if data.affected_unit not in ImpactUnit.values:
        errors["affected_unit"] = _("Users or accounts.")
    if data.revenue_currency and not CURRENCY.match(data.revenue_currency):
        errors["revenue_currency"] = _("A three-letter ISO 4217 code, such as EUR or USD.")
    elif data.revenue_impact is not None and not data.revenue_currency:
        errors["revenue_currency"] = _("Say which currency (ISO 4217, such as EUR).")
    if len(data.notes) > MAX_IMPACT_NOTES:
        errors["notes"] = _("At most %(n)s characters.") % {"n": MAX_IMPACT_NOTES}
    return errors


@transaction.atomic
def update_impact(*, actor: User, postmortem: Postmortem, data: ImpactInput) -> PostmortemImpact:
    """Replace the impact figures; nothing is saved if one of them is refused."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    data.revenue_currency = data.revenue_currency.strip().upper()
    data.notes = data.notes.strip().replace("\r\n", "\n")
    errors = _impact_errors(data)
    if errors:
        raise ValidationError(errors)
    impact = PostmortemImpact.objects.filter(postmortem=postmortem).first()
    impact = impact or PostmortemImpact(postmortem=postmortem)
    for field in fields(ImpactInput):
        setattr(impact, field.name, getattr(data, field.name))
    impact.updated_by = actor
    impact.save()
    _touch(postmortem, actor)
    return impact


# --- contributing factors -----------------------------------------------------------------


@transaction.atomic
def add_contributing_factor(
    *,
    actor: User,
    postmortem: Postmortem,
    category: ContributingFactorCategory | None,
    description: str,
) -> ContributingFactor:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    description = description.strip().replace("\r\n", "\n")
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = _("Describe it: what in our systems or processes played a part.")
    elif len(description) > MAX_FACTOR_CHARS:
        errors["description"] = _("At most %(n)s characters.") % {"n": MAX_FACTOR_CHARS}
    if category is not None and not category.is_active:
        errors["category"] = _("This category is no longer offered; choose another.")
    if errors:
        raise ValidationError(errors)
    factor = ContributingFactor.objects.create(
        postmortem=postmortem, category=category, description=description, created_by=actor
    )
    _touch(postmortem, actor)
    return factor


@transaction.atomic
def remove_contributing_factor(*, actor: User, factor: ContributingFactor) -> None:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=factor.postmortem_id)
    factor.delete()
    _touch(postmortem, actor)


# --- 5 whys -------------------------------------------------------------------------------


def _clean_problem(problem: str) -> str:
    problem = " ".join(problem.split())
    if not problem:
        raise ValidationError({"problem": _("State the problem the chain starts from.")})
    if len(problem) > MAX_WHY_CHARS:
        raise ValidationError({"problem": _("At most %(n)s characters.") % {"n": MAX_WHY_CHARS}})
    return problem


def _clean_whys(whys: list[str]) -> list[str]:
    cleaned = [" ".join(str(w).split()) for w in whys]
    cleaned = [w for w in cleaned if w]
    if len(cleaned) > MAX_WHYS:
        raise ValidationError({"whys": _("At most %(n)s whys.") % {"n": MAX_WHYS}})
    if any(len(w) > MAX_WHY_CHARS for w in cleaned):
        raise ValidationError({"whys": _("At most %(n)s characters each.") % {"n": MAX_WHY_CHARS}})
    return cleaned


@transaction.atomic
def start_why_chain(
    *, actor: User, postmortem: Postmortem, problem: str, whys: list[str] | None = None
) -> WhyChain:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    chain = WhyChain.objects.create(
        postmortem=postmortem,
        problem=_clean_problem(problem),
        whys=_clean_whys(whys or []),
        created_by=actor,
    )
    _touch(postmortem, actor)
    return chain


@transaction.atomic
def update_why_chain(*, actor: User, chain: WhyChain, problem: str, whys: list[str]) -> WhyChain:
    """Replace the problem and the answers (empty answers are dropped: that removes them)."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=chain.postmortem_id)
    chain.problem = _clean_problem(problem)
    chain.whys = _clean_whys(whys)
    chain.save(update_fields=["problem", "whys", "updated_at"])
    _touch(postmortem, actor)
    return chain


@transaction.atomic
def add_why(*, actor: User, chain: WhyChain, answer: str) -> WhyChain:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=chain.postmortem_id)
    chain = WhyChain.objects.select_for_update().get(pk=chain.pk)
    answer = " ".join(answer.split())
    if not answer:
        raise ValidationError({"answer": _("Answer the question: why?")})
    if len(chain.whys) >= MAX_WHYS:
        raise ValidationError(
            {"answer": _("A chain has at most %(n)s whys: that is deep enough.") % {"n": MAX_WHYS}}
        )
    if len(answer) > MAX_WHY_CHARS:
        raise ValidationError({"answer": _("At most %(n)s characters.") % {"n": MAX_WHY_CHARS}})
    chain.whys = [*chain.whys, answer]
    chain.save(update_fields=["whys", "updated_at"])
    _touch(postmortem, actor)
    return chain


@transaction.atomic
def remove_why(*, actor: User, chain: WhyChain, index: int) -> WhyChain:
    """Remove the answer at ``index`` (0-based); the later ones move up."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=chain.postmortem_id)
    chain = WhyChain.objects.select_for_update().get(pk=chain.pk)
    if not 0 <= index < len(chain.whys):
        raise ValidationError({"index": _("There is no such answer in this chain.")})
    chain.whys = [w for i, w in enumerate(chain.whys) if i != index]
    chain.save(update_fields=["whys", "updated_at"])
    _touch(postmortem, actor)
    return chain


@transaction.atomic
def delete_why_chain(*, actor: User, chain: WhyChain) -> None:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=chain.postmortem_id)
    chain.delete()
    _touch(postmortem, actor)


@transaction.atomic
def copy_why_chain_to_root_causes(*, actor: User, chain: WhyChain) -> Section:
    """Append the chain as Markdown to the root causes section (once: copying again is a no-op)."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=chain.postmortem_id)
    chain = WhyChain.objects.get(pk=chain.pk)
    if not chain.whys:
        raise ValidationError({"whys": _("Answer “why?” at least once before copying the chain.")})
    live_text.materialize_sections(postmortem.pk)  # append to what people typed live
    section = root_cause_section(postmortem)
    if section is None:
        raise InvalidState(_("This postmortem has no root causes section to copy into."))
    block = why_chain_markdown(chain)
    if block in section.body:
        return section
    body = section.body.rstrip()
    return update_section(
        actor=actor, section=section, body=f"{body}\n\n{block}\n" if body else f"{block}\n"
    )


# --- incidents covered --------------------------------------------------------------------


@transaction.atomic
def link_incident(*, actor: User, postmortem: Postmortem, incident: Incident) -> Incident:
    """Let ``postmortem`` cover ``incident`` too (a related incident of the same team)."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    access.require(
        access.can_manage_incident(actor, incident),
        _("Only the incident's team can link it to a postmortem."),
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.postmortem_id == postmortem.pk:
        raise InvalidState(_("This incident is already covered by this postmortem."))
    if incident.postmortem_id:
        raise InvalidState(_("This incident already has a postmortem."))
    if incident.team_id != postmortem.team_id:
        raise ValidationError(
            {"incident": _("Only an incident of the postmortem's own team can be linked.")}
        )
    incident.postmortem = postmortem
    incident.save(update_fields=["postmortem", "updated_at"])
    timeline_services.copy_incident_events(incident=incident)
    _touch(postmortem, actor)
    return incident


@transaction.atomic
def unlink_incident(*, actor: User, postmortem: Postmortem, incident: Incident) -> Incident:
    """Stop covering ``incident``; its automatic timeline entries go with it."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.postmortem_id != postmortem.pk:
        raise ValidationError({"incident": _("This incident is not covered by this postmortem.")})
    if postmortem.incidents.count() <= 1:
        raise InvalidState(_("A postmortem covers at least one incident: this is the last one."))
    incident.postmortem = None
    incident.save(update_fields=["postmortem", "updated_at"])
    copied = [timeline_services.event_source(e) for e in incident.events.all()]
    postmortem.timeline.filter(
        Q(source__in=copied) | Q(source__startswith=f"incident:{incident.pk}:")
    ).delete()
    _touch(postmortem, actor)
    return incident
