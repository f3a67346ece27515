"""The audit log page (/audit/) and its JSON-lines download, for admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from hansei import access
from hansei.audit.forms import AuditFilterForm
from hansei.audit.queries import events_matching, json_lines
from hansei.audit.services import note_audit_export
from hansei.core.http import AuthedRequest


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_read_audit_log(request.user))
    form = AuditFilterForm(request.GET or None)
    events = events_matching(form.to_filter()).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def audit_export(request: AuthedRequest) -> HttpResponseBase:
    access.require(access.can_read_audit_log(request.user))
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    found = form.to_filter()
    note_audit_export(actor=request.user, found=found)
    response = StreamingHttpResponse(
        json_lines(events_matching(found)), content_type="application/x-ndjson; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="hansei-audit-{stamp}.jsonl"'
    return response
