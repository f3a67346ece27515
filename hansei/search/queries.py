"""Searching the archive, read-only: the text a postmortem is indexed by, the query with
its filters and ranking, the snippets (the index's writes are in services)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hansei.access import postmortems_visible_to
from hansei.core.markdown import markdown_to_text
from hansei.incidents.models import Incident, Severity
from hansei.postmortems.document.models import Postmortem, PostmortemQuerySet, Revision
from hansei.search.backends import current_backend
from hansei.search.models import SearchDocument
from hansei.search.segment import MARK_END, MARK_START, desegment, query_phrases

if TYPE_CHECKING:
    from hansei.accounts.models import User


MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
LISTING_SNIPPET_CHARS = 240


@dataclass
class SearchResult:
    postmortem: Postmortem
    revision: Revision
    snippet: SafeString
    rank: float
    severity: Severity | None = None  # the worst severity among its incidents


@dataclass
class SearchPage:
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0


# --- indexing -------------------------------------------------------------------------------


def document_text(snapshot: dict[str, Any]) -> tuple[str, str]:
    """The title and the searchable body of a revision snapshot (summary first)."""
    incident_titles = [i["title"] for i in snapshot.get("incidents", []) if i.get("title")]
    parts: list[str] = [s.get("body") or "" for s in snapshot.get("sections", [])]
    parts += [
        e.get("text") or ""
        for e in snapshot.get("timeline", [])
        # Automatic milestone entries only repeat an incident's title ("Detected: <title>").
        if not (
            e.get("kind") == "milestone" and any(t in e.get("text", "") for t in incident_titles)
        )
    ]
    parts += [a.get("title") or "" for a in snapshot.get("action_items", [])]
    parts += [*incident_titles, snapshot.get("team") or ""]
    texts = (markdown_to_text(p) for p in parts)
    body = "\n".join(dict.fromkeys(t for t in texts if t))
    return str(snapshot.get("title") or ""), body


# --- searching ------------------------------------------------------------------------------


def _validate(
    query: str, date_from: date | None, date_to: date | None, limit: int, offset: int
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
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ValidationError(
            _("Ask for 1 to %(n)s results from a position of 0 or more.") % {"n": MAX_LIMIT},
            code="bad_page",
        )


def _filtered(
    user: User,
    team: str | None,
    service: str | None,
    severity: str | None,
    date_from: date | None,
    date_to: date | None,
) -> PostmortemQuerySet:
    """Published postmortems the user may read, narrowed by the filters."""
    qs = Postmortem.objects.published().filter(
        Exists(Revision.objects.filter(postmortem=OuterRef("pk")))
    )
    if team:
        qs = qs.filter(team__slug=team)
    if service:
        qs = qs.filter(pk__in=Incident.objects.filter(services__slug=service).values("postmortem"))
    if severity:
        qs = qs.filter(pk__in=Incident.objects.filter(severity__name=severity).values("postmortem"))
    if date_from:
        qs = qs.filter(published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    return postmortems_visible_to(user, qs)


def render_snippet(raw: str) -> SafeString:
    """Escape everything, then turn the match marks into <mark>; rejoin Japanese words."""
    text = " ".join(desegment(raw).split())
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # everything but our own <mark> tags is escaped


def _listing_snippet(body: str) -> SafeString:
    text = " ".join(desegment(body).split())
    if len(text) > LISTING_SNIPPET_CHARS:
        cut = text[:LISTING_SNIPPET_CHARS]
        text = (cut.rsplit(" ", 1)[0] if " " in cut[-40:] else cut) + "…"
    return render_snippet(text)


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


def search_postmortems(
    *,
    user: User,
    query: str = "",
    team: str | None = None,
    service: str | None = None,
    severity: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Published postmortems ``user`` may read, best match first (newest first without a query).

    Raises ValidationError for a query over 200 characters, dates in the wrong order or a bad
    page. A query with no letters or digits at all finds nothing.
    """
    query = (query or "").strip()
    _validate(query, date_from, date_to, limit, offset)
    qs = _filtered(user, team or None, service or None, severity or None, date_from, date_to)
    phrases = query_phrases(query)
    if query and not phrases:
        return SearchPage()
    backend = current_backend()
    ranks: dict[int, float] = {}
    if phrases:
        ranks = backend.ranks(phrases)
        # Rank order is known from one pass over the index; the database only says which of
        # the matches this user may read (and pass the filters).
        # Equal ranks: the later postmortem (higher id) first.
        visible = backend.matching(qs, phrases).values_list("pk", flat=True)
        ordered = sorted(visible, key=lambda pk: (-ranks[pk], -pk))
        total = len(ordered)
        page_ids = ordered[offset : offset + limit]
        found = {p.pk: p for p in Postmortem.objects.filter(pk__in=page_ids).select_related("team")}
        page = [found[pk] for pk in page_ids]
    else:
        total = qs.count()
        page = list(
            qs.select_related("team").order_by("-published_at", "-pk")[offset : offset + limit]
        )
    ids = [p.pk for p in page]
    if phrases:
        snippets = {pk: render_snippet(raw) for pk, raw in backend.snippets(ids, phrases).items()}
    else:
        bodies = SearchDocument.objects.filter(postmortem_id__in=ids).values_list("pk", "body")
        snippets = {pk: _listing_snippet(body) for pk, body in bodies}
    revisions = _latest_revisions(ids)
    severities = _worst_severities(ids)
    results = [
        SearchResult(
            postmortem=p,
            revision=revisions[p.pk],
            snippet=snippets.get(p.pk, mark_safe("")),
            rank=ranks.get(p.pk, 0.0),
            severity=severities.get(p.pk),
        )
        for p in page
    ]
    return SearchPage(results=results, total=total)
