from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import ReadReceipt
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
        "read_marks": _read_marks(request, search),
        "form": form,
        "search": search,
        "page": page,
        "pages": pages,
        "filtered": any(form.data.get(name) for name in form.fields if name != "page"),
    }
    return render(request, "search/archive.html", context, status=200 if search else 400)


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
