from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hansei.search.forms import ArchiveForm
from hansei.search.queries import SearchPage, search_postmortems

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
                date_from=data["date_from"],
                date_to=data["date_to"],
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    pages = max(1, -(-search.total // PAGE_SIZE)) if search else 1
    context = {
        "form": form,
        "search": search,
        "page": page,
        "pages": pages,
        "filtered": any(form.data.get(name) for name in form.fields if name != "page"),
    }
    return render(request, "search/archive.html", context, status=200 if search else 400)
