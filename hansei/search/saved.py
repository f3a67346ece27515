"""Saved searches: keep a search (words and filters), open it again in one click, and hear
when a new postmortem matches it.

A saved search alerts on a postmortem's first publication when the postmortem has *every*
word of the search (not most: an alert is a promise of relevance) and passes its filters,
and only if the person may read it; the notification center delivers it (``notifications``
asks ``searches_matching``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hansei import access
from hansei.postmortems.document.models import Postmortem
from hansei.search.backends import current_backend
from hansei.search.models import SavedSearch
from hansei.search.queries import MAX_QUERY_LENGTH, Filters, filtered_postmortems, prepared_query

if TYPE_CHECKING:
    from hansei.accounts.models import User

TEXT_FILTERS = ("team", "service", "severity")
NUMBER_FILTERS = ("factor", "year")
MAX_SAVED = 50
MAX_NAME = 100


def clean_filters(raw: Mapping[str, Any]) -> dict[str, str | int]:
    """The archive's filters a search may keep, empty ones left out; anything else refused."""
    unknown = sorted(set(raw) - {*TEXT_FILTERS, *NUMBER_FILTERS})
    if unknown:
        raise ValidationError(
            {"filters": _("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    cleaned: dict[str, str | int] = {}
    for name in TEXT_FILTERS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value) > 100 or "\x00" in value:
            raise ValidationError({"filters": _("%(name)s must be a short text.") % {"name": name}})
        cleaned[name] = value
    for name in NUMBER_FILTERS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10_000:
            raise ValidationError({"filters": _("%(name)s must be a number.") % {"name": name}})
        cleaned[name] = value
    return cleaned


@transaction.atomic
def save_search(
    *, actor: User, name: str, query: str, filters: Mapping[str, Any], notify: bool = True
) -> SavedSearch:
    access.require(access.is_signed_in(actor))
    query = " ".join(query.split())
    kept = clean_filters(filters)
    name = " ".join(name.split()) or query or _("My search")
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError({"query": _("The search is too long: at most 200 characters.")})
    if "\x00" in query or "\x00" in name:
        raise ValidationError(_("Null characters are not allowed."))
    if not query and not kept:
        raise ValidationError(_("Nothing to save: search for some words or pick a filter."))
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("At most 100 characters.")})
    if SavedSearch.objects.filter(user=actor, name=name).exists():
        raise ValidationError({"name": _("You already have a saved search with this name.")})
    if SavedSearch.objects.filter(user=actor).count() >= MAX_SAVED:
        raise ValidationError(_("You have %(n)s saved searches already.") % {"n": MAX_SAVED})
    return SavedSearch.objects.create(
        user=actor, name=name, query=query, filters=kept, notify=notify
    )


@transaction.atomic
def set_saved_search_alerts(*, actor: User, saved: SavedSearch, notify: bool) -> SavedSearch:
    access.require(access.owns(actor, saved.user_id))
    saved.notify = notify
    saved.save(update_fields=["notify"])
    return saved


@transaction.atomic
def delete_saved_search(*, actor: User, saved: SavedSearch) -> None:
    access.require(access.owns(actor, saved.user_id))
    saved.delete()


def saved_search_url(saved: SavedSearch) -> str:
    params = {"q": saved.query, **saved.filters} if saved.query else dict(saved.filters)
    return reverse("search:archive") + "?" + urlencode(params)


def matches(saved: SavedSearch, postmortem: Postmortem) -> bool:
    """Whether ``postmortem`` has every word of the search, passes its filters, and its
    owner may read it."""
    filters = Filters(**{k: v for k, v in saved.filters.items() if k in Filters.__annotations__})
    qs = filtered_postmortems(saved.user, filters).filter(pk=postmortem.pk)
    query = prepared_query(saved.query)
    if saved.query and not query:
        return False
    if query:
        groups = [g.alternatives for g in query.groups]
        qs = current_backend().matching(qs, groups, len(groups))
    return qs.exists()


def searches_matching(postmortem: Postmortem) -> list[tuple[User, SavedSearch]]:
    """The active people whose saved search (with alerts on) ``postmortem`` now matches."""
    saved = SavedSearch.objects.filter(notify=True, user__is_active=True).select_related("user")
    return [(s.user, s) for s in saved.order_by("user_id", "pk") if matches(s, postmortem)]
