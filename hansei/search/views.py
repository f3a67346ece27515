from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import ReadReceipt
from hansei.search.forms import ArchiveForm
from hansei.search.models import SavedSearch
from hansei.search.queries import SearchPage, search_postmortems
from hansei.search.saved import saved_search_url

PAGE_SIZE = 20


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    """Published postmortems, newest first, or the best matches of a search."""
    form = ArchiveForm(request.GET)
    search: SearchPage | None = None
    page = 1
    if form.is_valid():
        data = form.cleaned_data
        page = data["page"] or 1
        try:
            search = search_postmortems(
                user=request.user,  # type: ignore[arg-type]
                query=data["q"],
                team=data["team"] or None,
                service=data["service"] or None,
                severity=data["severity"] or None,
                factor=data["factor"],
                year=data["year"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
                with_facets=True,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    pages = max(1, -(-search.total // PAGE_SIZE)) if search else 1
    context = {
        "read_marks": _read_marks(request, search),
        "form": form,
        "search": search,
        "page": page,
        "pages": pages,
        "filtered": any(form.data.get(name) for name in form.fields if name != "page"),
        "facets": _facet_links(request, search),
        "saved_searches": [
            (saved, saved_search_url(saved))
            for saved in SavedSearch.objects.filter(user_id=request.user.pk or 0)
        ],
        "corrected_url": _with(request, q=search.corrected) if search and search.corrected else "",
    }
    return render(request, "search/archive.html", context, status=200 if search else 400)


def _with(request: HttpRequest, **changes: str | None) -> str:
    """This page's address with some parameters changed (None: removed), from page one."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return "?" + params.urlencode()


def _facet_links(request: HttpRequest, search: SearchPage | None) -> list[dict[str, Any]]:
    """Per facet, its values with their counts and the address that filters by each (or,
    for the value already filtered by, the address without that filter)."""
    if search is None:
        return []
    shown = []
    for facet in search.facets:
        chosen = request.GET.get(facet.name, "")
        values = [
            {
                "label": v.label,
                "count": v.count,
                "selected": v.value == chosen,
                "url": _with(request, **{facet.name: None if v.value == chosen else v.value}),
            }
            for v in facet.values
        ]
        shown.append({"name": facet.name, "label": facet.label, "values": values})
    return shown


def _read_marks(request: HttpRequest, search: SearchPage | None) -> dict[int, str]:
    """Per result, "unread" (never opened) or "updated" (amended since it was read); none
    when the policy turns read tracking off."""
    if search is None or not search.results or not PostmortemPolicy.current().read_tracking:
        return {}
    ids = [result.postmortem.pk for result in search.results]
    seen = dict(
        ReadReceipt.objects.filter(user_id=request.user.pk or 0, postmortem_id__in=ids).values_list(
            "postmortem_id", "revision"
        )
    )
    marks = {}
    for result in search.results:
        read = seen.get(result.postmortem.pk)
        if read is None:
            marks[result.postmortem.pk] = "unread"
        elif read < result.revision.number:
            marks[result.postmortem.pk] = "updated"
    return marks
