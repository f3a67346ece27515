"""Searching the archive, read-only: the query with its filters, ranking that degrades
gracefully (every word first, then most of them), typo correction, facets and snippets (the
index's writes are in services)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from rapidfuzz import process
from rapidfuzz.distance import OSA

from hansei.access import postmortems_visible_to
from hansei.incidents.models import Incident, Severity
from hansei.postmortems.document.models import Postmortem, PostmortemQuerySet, Revision
from hansei.search.backends import current_backend
from hansei.search.facets import Facet, facets
from hansei.search.models import SearchTerm, Synonym
from hansei.search.query import Group, Query, parse_query
from hansei.search.snippets import snippets

if TYPE_CHECKING:
    from hansei.accounts.models import User


MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
MAX_ID = 2**63 - 1  # the largest id a database column holds
# Words shorter than this are too short to tell a typo from another word.
MIN_TYPO_LENGTH = 4


@dataclass
class SearchResult:
    postmortem: Postmortem
    revision: Revision
    snippet: SafeString
    rank: float
    severity: Severity | None = None  # the worst severity among its incidents
    missing: list[str] = field(default_factory=list)  # words of the query it does not have


@dataclass
class SearchPage:
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    # The query with its typos corrected, when it had some ("did you mean").
    corrected: str | None = None
    # No result has every word of the query: these have most of them.
    partial: bool = False
    facets: list[Facet] = field(default_factory=list)


@dataclass
class Filters:
    team: str | None = None
    service: str | None = None
    severity: str | None = None
    factor: int | None = None  # a contributing factor category's id
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _validate(
    query: str,
    date_from: date | None,
    date_to: date | None,
    year: int | None,
    factor: int | None,
    limit: int,
    offset: int,
) -> None:
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("The search is too long: at most %(n)s characters.") % {"n": MAX_QUERY_LENGTH},
            code="query_too_long",
        )
    if date_from and date_to and date_from > date_to:
        raise ValidationError(
            _("The start date must be on or before the end date."), code="date_order"
        )
    if year is not None and not 1900 <= year <= 9999:
        raise ValidationError(_("Give a year such as 2026."), code="bad_year")
    if factor is not None and not 0 < factor <= MAX_ID:
        raise ValidationError(_("There is no such contributing factor."), code="bad_factor")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ValidationError(
            _("Ask for 1 to %(n)s results from a position of 0 or more.") % {"n": MAX_LIMIT},
            code="bad_page",
        )


def filtered_postmortems(user: User, filters: Filters) -> PostmortemQuerySet:
    """Published postmortems the user may read, narrowed by the filters."""
    qs = Postmortem.objects.published().filter(
        Exists(Revision.objects.filter(postmortem=OuterRef("pk")))
    )
    if filters.team:
        qs = qs.filter(team__slug=filters.team)
    if filters.service:
        incidents = Incident.objects.filter(services__slug=filters.service)
        qs = qs.filter(pk__in=incidents.values("postmortem"))
    if filters.severity:
        incidents = Incident.objects.filter(severity__name=filters.severity)
        qs = qs.filter(pk__in=incidents.values("postmortem"))
    if filters.factor:
        qs = qs.filter(contributing_factors__category_id=filters.factor).distinct()
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    if filters.date_from:
        qs = qs.filter(published_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(published_at__date__lte=filters.date_to)
    return postmortems_visible_to(user, qs)


def _correct_typo(group: Group) -> None:
    """A word the index does not know also looks for the indexed words one (two, for a long
    word) edit away, transpositions included, comparing both the word as typed with the
    words as written and its stem with the indexed stems; the closest becomes the "did you
    mean"."""
    term, typed = group.alternatives[0][0], group.surface.lower()
    if (
        len(typed) < MIN_TYPO_LENGTH
        or SearchTerm.objects.filter(word=term, documents__gt=0).exists()
    ):
        return
    near = dict(
        SearchTerm.objects.filter(
            initial=term[0], length__range=(len(term) - 3, len(typed) + 2), documents__gt=0
        ).values_list("word", "surface")
    )
    limit = 1 if len(typed) < 7 else 2
    distance: dict[str, int] = {}
    for word, score, _index in process.extract(
        term, list(near), scorer=OSA.distance, score_cutoff=limit, limit=5
    ):
        distance[word] = int(score)
    surfaces = {surface: word for word, surface in near.items() if surface}
    for surface, score, _index in process.extract(
        typed, list(surfaces), scorer=OSA.distance, score_cutoff=limit, limit=5
    ):
        word = surfaces[surface]
        distance[word] = min(int(score), distance.get(word, limit))
    best = sorted(distance, key=lambda word: (distance[word], word))[:3]
    if best:
        group.alternatives += [(word,) for word in best]
        group.correction = near[best[0]] or best[0]


def prepared_query(text: str) -> Query:
    """The query with the admins' synonyms and its typos corrected."""
    query = parse_query(text, extra_synonyms=Synonym.objects.values_list("words", flat=True))
    for group in query.groups:
        if group.may_be_typo:
            _correct_typo(group)
    return query


def _latest_revisions(ids: Iterable[int]) -> dict[int, Revision]:
    latest: dict[int, Revision] = {}
    # The snapshot (the whole text) is not needed to list a result: don't decode it.
    revisions = Revision.objects.filter(postmortem_id__in=ids).defer("snapshot")
    for revision in revisions.order_by("-number"):
        latest.setdefault(revision.postmortem_id, revision)
    return latest


def _worst_severities(ids: Iterable[int]) -> dict[int, Severity]:
    worst: dict[int, Severity] = {}
    incidents = Incident.objects.filter(postmortem_id__in=ids).select_related("severity")
    for incident in incidents.order_by("severity__level"):
        worst.setdefault(incident.postmortem_id, incident.severity)  # type: ignore[arg-type]
    return worst


def _ranked(
    qs: PostmortemQuerySet, query: Query
) -> tuple[list[int], dict[int, tuple[int, float]], PostmortemQuerySet, bool]:
    """The ids of the visible matches, best first, their (mask, rank), the matches as a
    queryset (for facets) and whether no match has every group.

    Every group first, then most of them: a document needs half the groups (rounded up) to
    be found at all, a single group when that finds nothing."""
    backend = current_backend()
    groups = [g.alternatives for g in query.groups]
    found = backend.matches(groups)
    need = (len(groups) + 1) // 2
    matched = backend.matching(qs, groups, need)
    visible = list(matched.values_list("pk", flat=True))
    if not visible and need > 1:
        matched = backend.matching(qs, groups, 1)
        visible = list(matched.values_list("pk", flat=True))
    every = (1 << len(groups)) - 1

    def order(pk: int) -> tuple[int, float, int]:
        mask, rank = found.get(pk, (0, 0.0))
        return (-mask.bit_count(), -rank, -pk)

    ordered = sorted(visible, key=order)
    partial = bool(ordered) and found.get(ordered[0], (0, 0.0))[0] != every
    return ordered, found, matched, partial


def search_postmortems(
    *,
    user: User,
    query: str = "",
    team: str | None = None,
    service: str | None = None,
    severity: str | None = None,
    factor: int | None = None,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = False,
) -> SearchPage:
    """Published postmortems ``user`` may read, best match first (newest first without a query).

    Raises ValidationError for a query over 200 characters, dates in the wrong order, a bad
    year or a bad page. A query with no letters or digits at all finds nothing.
    """
    text = (query or "").strip()
    _validate(text, date_from, date_to, year, factor, limit, offset)
    filters = Filters(team, service, severity, factor, year, date_from, date_to)
    qs = filtered_postmortems(user, filters)
    parsed = prepared_query(text)
    if text and not parsed:
        return SearchPage()
    found: dict[int, tuple[int, float]] = {}
    partial = False
    if parsed:
        ordered, found, qs, partial = _ranked(qs, parsed)
        total = len(ordered)
        page_ids = ordered[offset : offset + limit]
        rows = {p.pk: p for p in Postmortem.objects.filter(pk__in=page_ids).select_related("team")}
        page = [rows[pk] for pk in page_ids]
    else:
        total = qs.count()
        page = list(
            qs.select_related("team").order_by("-published_at", "-pk")[offset : offset + limit]
        )
    ids = [p.pk for p in page]
    texts = snippets(ids, parsed or None)
    revisions = _latest_revisions(ids)
    severities = _worst_severities(ids)
    results = [
        SearchResult(
            postmortem=p,
            revision=revisions[p.pk],
            snippet=texts.get(p.pk, mark_safe("")),
            rank=found.get(p.pk, (0, 0.0))[1],
            severity=severities.get(p.pk),
            missing=_missing(parsed, found.get(p.pk, (0, 0.0))[0]) if parsed else [],
        )
        for p in page
    ]
    return SearchPage(
        results=results,
        total=total,
        corrected=parsed.corrected,
        partial=partial,
        facets=facets(qs) if with_facets and total else [],
    )


def _missing(query: Query, mask: int) -> list[str]:
    return [g.surface for i, g in enumerate(query.groups) if not mask & (1 << i)]
