"""What the customer report's page reads: the names that must not reach customers, and the
external writing check over the report's text."""

from __future__ import annotations

import re

from django.db.models import Q

from hansei.accounts.models import User
from hansei.lint.external import check_external
from hansei.lint.model import Finding
from hansei.postmortems.customer.builtin import GLOSSARY_KEYS
from hansei.postmortems.customer.models import CustomerReport
from hansei.postmortems.document.models import Postmortem

_SPACES = re.compile(r"\s+")


def internal_names(postmortem: Postmortem) -> list[str]:
    """People close to the incident: the team's members, the owner, the responders and the
    reviewers, by display name, each part of it, and user name. Team and service names are
    left out: they are often the product's own words ("Payments", "Search")."""
    people = User.objects.filter(
        Q(memberships__team=postmortem.team_id)
        | Q(pk=postmortem.owner_id)
        | Q(responded_incidents__postmortem=postmortem)
        | Q(reviews__postmortem=postmortem)
    ).distinct()
    names: set[str] = set()
    for person in people:
        for name in (person.display_name, person.get_full_name(), person.username):
            name = name.strip()
            if not name:
                continue
            names.add(name)
            names.update(part for part in _SPACES.split(name) if part)
    return sorted(names, key=lambda name: (-len(name), name))


def external_findings(report: CustomerReport, *, ui_lang: str) -> dict[str, list[Finding]]:
    """Per section key, what still reads as internal."""
    names = internal_names(report.postmortem)
    glossary = "\n".join(s["body"] for s in report.sections if s["key"] in GLOSSARY_KEYS)
    return {
        section["key"]: check_external(
            section["body"],
            section_key=section["key"],
            lang=report.language,
            ui_lang=ui_lang,
            internal_names=names,
            glossary=glossary,
        )
        for section in report.sections
    }
