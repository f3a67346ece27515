"""Similar incidents: for an incident or a postmortem, the most similar earlier published
postmortems, why each is similar, and their unfinished business.

Similarity has four parts, each between 0 and 1, weighed and summed:

* the text (0.65): the source's most telling words (how often it uses them, its title weighing
  most, then its summary, trigger, root causes and incidents' titles, times how rare they are
  in the index) searched as "any of these words" with their synonyms, so BM25 weighs rare
  shared words above common ones; the best match scores 1, the others in proportion;
* the services (0.15): the share of the source's services the other one also had, each
  weighed by how rare it is among published postmortems;
* the contributing factors (0.15): the same for the source's factor categories;
* the severity (0.05): the same severity.

Services and factors weigh less than the text: the same service fails in many ways, and
the text is what says how.

Only postmortems the reader may open are considered, and only those published before the
source was (all published ones, for a draft or an incident). The unfinished business is their
action items still open, or closed as "won't do", that the reader may see.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count

from hansei.access import action_items_visible_to, postmortems_visible_to
from hansei.action_items.models import ActionItem, ActionStatus, CarriedItem
from hansei.incidents.models import Incident
from hansei.postmortems.analysis.models import ContributingFactor
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.prefill import IMPACT_KEYS, SUMMARY_KEYS, prefilled_line
from hansei.search.analysis import JA_RUN, words
from hansei.search.backends import current_backend
from hansei.search.models import SearchDocument, Synonym
from hansei.search.query import Phrase, synonym_sets
from hansei.search.vocabulary import document_frequencies

if TYPE_CHECKING:
    from hansei.accounts.models import User

WEIGHTS = {"text": 0.8, "services": 0.05, "factors": 0.1, "severity": 0.05}
# Keys of the sections that say what went wrong, weighed like the summary.
CAUSE_KEYS = {"trigger", "root_causes", "genin", "kikkake", "hassei_genin"}
MAX_TERMS = 25
MAX_LOOKED_UP = 300
MAX_BODY_TERMS = 4000
TEXT_CANDIDATES = 60
FIELD_CANDIDATES = 100
MIN_SCORE = 0.15
MIN_COSINE = 0.05
SHOWN_WORDS = 6


@dataclass
class Profile:
    """What a source (an incident or a postmortem) is compared by."""

    terms: dict[str, float] = field(default_factory=dict)  # term → weight
    surfaces: dict[str, str] = field(default_factory=dict)  # term → as written
    services: dict[int, str] = field(default_factory=dict)
    factors: dict[int, str] = field(default_factory=dict)
    severities: set[int] = field(default_factory=set)
    postmortem: Postmortem | None = None
    _telling: list[str] | None = None

    def add_text(self, text: str, weight: float) -> None:
        for word in words(text):
            term = word.terms[0]
            if word.stop or term.isdigit() or (JA_RUN.fullmatch(term) and len(term) < 2):
                continue
            self.terms[term] = self.terms.get(term, 0.0) + weight
            self.surfaces.setdefault(term, word.surface)

    def telling_terms(self) -> list[str]:
        """The source's words that tell it apart: weight × rarity in the index (a word no
        published postmortem has cannot find one)."""
        if self._telling is None:
            frequent = sorted(self.terms, key=lambda t: (-self.terms[t], t))[:MAX_LOOKED_UP]
            documents = document_frequencies(frequent)
            total = SearchDocument.objects.count() + 1
            score = {
                t: self.terms[t] * math.log(total / (documents[t] + 0.5))
                for t in frequent
                if t in documents
            }
            ranked = sorted(score, key=lambda t: (-score[t], t))
            self._telling = [t for t in ranked if score[t] > 0][:MAX_TERMS]
        return self._telling


@dataclass
class Similar:
    postmortem: Postmortem
    score: float
    services: list[str]
    factors: list[str]
    words: list[str]
    same_severity: bool
    unfinished: list[ActionItem] = field(default_factory=list)


def _add_incident(profile: Profile, incident: Incident) -> None:
    profile.add_text(incident.title, 2.0)
    profile.add_text(incident.summary, 1.0)
    profile.services.update({s.pk: s.name for s in incident.services.all()})
    profile.severities.add(incident.severity.level)


def profile_of_postmortem(postmortem: Postmortem) -> Profile:
    profile = Profile(postmortem=postmortem)
    profile.add_text(postmortem.title, 3.0)
    pattern = prefilled_line()
    for section in postmortem.sections.all():
        body = section.body
        if section.key in IMPACT_KEYS:
            body = "\n".join(line for line in body.splitlines() if not pattern.match(line))
        weight = 2.0 if section.key in SUMMARY_KEYS | CAUSE_KEYS else 1.0
        profile.add_text(body, weight)
    for incident in postmortem.incidents.select_related("severity").prefetch_related("services"):
        _add_incident(profile, incident)
    for factor in postmortem.contributing_factors.select_related("category"):
        profile.add_text(factor.description, 1.0)
        if factor.category is not None:
            profile.factors[factor.category_id] = factor.category.name  # type: ignore[index]
    return profile


def profile_of_incident(incident: Incident) -> Profile:
    if incident.postmortem_id is not None:
        return profile_of_postmortem(incident.postmortem)  # type: ignore[arg-type]
    profile = Profile()
    profile.add_text(incident.title, 3.0)
    _add_incident(profile, incident)
    return profile


def _synonyms_by_term() -> dict[str, list[Phrase]]:
    by_term: dict[str, list[Phrase]] = defaultdict(list)
    for phrases in synonym_sets(Synonym.objects.values_list("words", flat=True)):
        for phrase in phrases:
            if len(phrase) == 1:
                by_term[phrase[0]] += phrases
    return by_term


def _groups(terms: list[str]) -> list[list[Phrase]]:
    """Each term with its synonyms (a Japanese word meets its English equivalent)."""
    by_term = _synonyms_by_term()
    return [list(dict.fromkeys([(term,), *by_term.get(term, [])])) for term in terms]


def _candidates(
    user: User, profile: Profile, earlier_only: bool
) -> tuple[list[int], dict[int, float]]:
    """Ids of the published postmortems worth scoring, and their text ranks."""
    terms = profile.telling_terms()
    ranks = current_backend().best(_groups(terms), TEXT_CANDIDATES) if terms else {}
    related = Incident.objects.filter(services__in=profile.services).values("postmortem")
    factored = ContributingFactor.objects.filter(category__in=profile.factors).values("postmortem")
    published = Postmortem.objects.published()
    by_fields = (
        published.filter(pk__in=related) | published.filter(pk__in=factored)
        if profile.services or profile.factors
        else published.none()
    )
    fields = list(
        by_fields.order_by("-published_at").values_list("pk", flat=True)[:FIELD_CANDIDATES]
    )
    visible = postmortems_visible_to(user, published.filter(pk__in={*ranks, *fields}))
    source = profile.postmortem
    if source is not None:
        visible = visible.exclude(pk=source.pk)
        if earlier_only and source.published_at is not None:
            visible = visible.filter(published_at__lt=source.published_at)
    return list(visible.values_list("pk", flat=True)), ranks


def _fields_of(ids: list[int]) -> dict[str, dict[int, dict[int, str]]]:
    """Per postmortem id: its services, factor categories and severity levels (id → name)."""
    found: dict[str, dict[int, dict[int, str]]] = {
        "services": defaultdict(dict),
        "factors": defaultdict(dict),
        "severities": defaultdict(dict),
    }
    incidents = Incident.objects.filter(postmortem_id__in=ids)
    for pk, service, name in incidents.filter(services__isnull=False).values_list(
        "postmortem_id", "services__pk", "services__name"
    ):
        found["services"][pk][service] = name
    for pk, level, name in incidents.values_list(
        "postmortem_id", "severity__level", "severity__name"
    ):
        found["severities"][pk][level] = name
    factors = ContributingFactor.objects.filter(postmortem_id__in=ids, category__isnull=False)
    for pk, category, name in factors.values_list("postmortem_id", "category_id", "category__name"):
        found["factors"][pk][category] = name
    return found


def _rarity(profile: Profile) -> dict[str, dict[int, float]]:
    """How rare each of the source's services and factor categories is among published
    postmortems (log of all over those with it): sharing a rare one says more."""
    published = Postmortem.objects.published()
    total = published.count() + 1
    services = dict(
        Incident.objects.filter(postmortem__in=published, services__in=profile.services)
        .values("services")
        .annotate(n=Count("postmortem", distinct=True))
        .values_list("services", "n")
    )
    factors = dict(
        ContributingFactor.objects.filter(postmortem__in=published, category__in=profile.factors)
        .values("category")
        .annotate(n=Count("postmortem", distinct=True))
        .values_list("category", "n")
    )
    return {
        "services": {pk: math.log(total / (services.get(pk, 0) + 0.5)) for pk in profile.services},
        "factors": {pk: math.log(total / (factors.get(pk, 0) + 0.5)) for pk in profile.factors},
    }


def _share(
    source: dict[int, str], other: dict[int, str], weight: dict[int, float]
) -> tuple[float, list[str]]:
    """The weighted share of ``source``'s items ``other`` has too, and their names."""
    shared = [pk for pk in source if pk in other]
    whole = sum(max(weight.get(pk, 0.0), 0.0) for pk in source)
    part = sum(max(weight.get(pk, 0.0), 0.0) for pk in shared)
    return (part / whole if whole else 0.0), [source[pk] for pk in shared]


def _weighted(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {t: (1 + math.log(n)) * idf.get(t, 0.0) for t, n in counts.items() if idf.get(t)}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _text_similarity(
    profile: Profile, ids: list[int]
) -> tuple[dict[int, float], dict[int, set[str]]]:
    """The cosine of the TF-IDF vectors of the source and each candidate (the title counting
    three times, the summary twice; the source's words also count as their synonyms), and
    every term each candidate has (for the words they share)."""
    documents: dict[int, Counter[str]] = {}
    present: dict[int, set[str]] = {}
    for pk, title, summary, body, fields in SearchDocument.objects.filter(pk__in=ids).values_list(
        "pk", "title_terms", "summary_terms", "body_terms", "field_terms"
    ):
        body_terms = body.split()
        present[pk] = {*title.split(), *summary.split(), *body_terms, *fields.split()}
        counts: Counter[str] = Counter(body_terms[:MAX_BODY_TERMS]) + Counter(fields.split())
        for term in title.split():
            counts[term] += 3
        for term in summary.split():
            counts[term] += 2
        documents[pk] = counts
    source: Counter[str] = Counter()
    synonyms = _synonyms_by_term()
    for term, weight in profile.terms.items():
        source[term] += max(1, round(weight))
        for phrase in synonyms.get(term, []):
            if len(phrase) == 1 and phrase[0] != term:
                source[phrase[0]] += max(1, round(weight))
    every = set(source).union(*documents.values())
    total = SearchDocument.objects.count() + 1
    idf = {t: math.log(total / (n + 0.5)) for t, n in document_frequencies(every).items()}
    wanted = _weighted(source, idf)
    cosines = {pk: _cosine(wanted, _weighted(counts, idf)) for pk, counts in documents.items()}
    return cosines, present


def _shared_words(profile: Profile, have: set[str]) -> list[str]:
    wanted = profile.telling_terms()
    return [profile.surfaces[t] for t in wanted if t in have][:SHOWN_WORDS]


def similar_postmortems(
    *, user: User, profile: Profile, limit: int = 5, earlier_only: bool = True
) -> list[Similar]:
    """The ``limit`` most similar published postmortems to ``profile`` that ``user`` may
    open, best first, each with why and its unfinished business (``earlier_only`` False:
    later ones too, as the evaluation compares every pair)."""
    ids, _ranks = _candidates(user, profile, earlier_only)
    if not ids:
        return []
    text, present = _text_similarity(profile, ids)
    best_text = max(text.values(), default=0.0) or 1.0
    fields = _fields_of(ids)
    rarity = _rarity(profile)
    scored = []
    for pk in ids:
        services, shared_services = _share(
            profile.services, fields["services"][pk], rarity["services"]
        )
        factors, shared_factors = _share(profile.factors, fields["factors"][pk], rarity["factors"])
        severity = bool(profile.severities & set(fields["severities"][pk]))
        score = (
            WEIGHTS["text"] * text.get(pk, 0.0) / best_text
            + WEIGHTS["services"] * services
            + WEIGHTS["factors"] * factors
            + WEIGHTS["severity"] * severity
        )
        # A faint likeness of words alone is no likeness.
        related = text.get(pk, 0.0) >= MIN_COSINE or shared_services or shared_factors
        if score >= MIN_SCORE and related:
            scored.append((score, pk, shared_services, shared_factors, severity))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    top = scored[:limit]
    postmortems = Postmortem.objects.select_related("team").in_bulk([row[1] for row in top])
    similar = [
        Similar(
            postmortems[pk],
            round(score, 3),
            services,
            factors,
            _shared_words(profile, present.get(pk, set())),
            sev,
        )
        for score, pk, services, factors, sev in top
    ]
    _add_unfinished(user, profile, similar)
    return similar


def _add_unfinished(user: User, profile: Profile, similar: list[Similar]) -> None:
    """Each similar postmortem's items still open or closed as "won't do" (visible ones),
    each marked with the factors it addresses that the source shares, and whether it is
    already carried into the source."""
    by_postmortem = {s.postmortem.pk: s for s in similar}
    items = (
        action_items_visible_to(user)
        .filter(postmortem_id__in=by_postmortem)
        .exclude(status=ActionStatus.DONE)
        .select_related("owner")
        .prefetch_related("addresses_factors")
        .order_by("status", "priority", "due_date", "pk")
    )
    carried: set[int] = set()
    if profile.postmortem is not None:
        carried = set(
            CarriedItem.objects.filter(postmortem=profile.postmortem).values_list(
                "item_id", flat=True
            )
        )
    for item in items:
        item.shared_factors = [  # type: ignore[attr-defined]
            f.name for f in item.addresses_factors.all() if f.pk in profile.factors
        ]
        item.already_carried = item.pk in carried  # type: ignore[attr-defined]
        by_postmortem[item.postmortem_id].unfinished.append(item)
