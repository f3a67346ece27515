"""Facets beside the results: how many of them are of each team, service, severity,
contributing factor and year. Each count is one aggregate query over the same statement that
finds the results (visibility and filters included), so a facet never counts a postmortem the
reader may not open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from hansei.incidents.models import Service, Severity
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.document.models import PostmortemQuerySet

FACET_SIZE = 8


@dataclass
class FacetValue:
    value: str  # as the filter takes it
    label: str
    count: int


@dataclass
class Facet:
    name: str  # the filter's name
    label: str
    values: list[FacetValue] = field(default_factory=list)


def facets(found: PostmortemQuerySet) -> list[Facet]:
    """Per facet, its most frequent values among ``found`` (empty facets left out)."""
    teams = (
        found.values("team__slug", "team__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "team__name")
    )
    services = (
        Service.objects.filter(incidents__postmortem__in=found)
        .values("slug", "name")
        .annotate(n=Count("incidents__postmortem", distinct=True))
        .order_by("-n", "name")
    )
    severities = (
        Severity.objects.filter(incidents__postmortem__in=found)
        .values("name", "level")
        .annotate(n=Count("incidents__postmortem", distinct=True))
        .order_by("level")
    )
    factors = (
        ContributingFactorCategory.objects.filter(factors__postmortem__in=found)
        .values("pk", "name")
        .annotate(n=Count("factors__postmortem", distinct=True))
        .order_by("-n", "name")
    )
    years = (
        found.annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    every = [
        Facet("team", str(_("Team")), [_value(r["team__slug"], r["team__name"], r) for r in teams]),
        Facet("service", str(_("Service")), [_value(r["slug"], r["name"], r) for r in services]),
        Facet(
            "severity", str(_("Severity")), [_value(r["name"], r["name"], r) for r in severities]
        ),
        Facet(
            "factor",
            str(_("Contributing factor")),
            [_value(r["pk"], r["name"], r) for r in factors],
        ),
        Facet(
            "year", str(_("Year")), [_value(r["year"], r["year"], r) for r in years if r["year"]]
        ),
    ]
    for facet in every:
        facet.values = facet.values[:FACET_SIZE]
    return [facet for facet in every if facet.values]


def _value(value: object, label: object, row: dict[str, int]) -> FacetValue:
    return FacetValue(str(value), str(label), int(row["n"]))
