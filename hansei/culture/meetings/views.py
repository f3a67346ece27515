"""The monthly meeting pack: /culture/pack/ (the last complete month), a month's page
(/culture/pack/Y/M/) and the same as a PDF (/culture/pack/Y/M/pdf/), laid out by WeasyPrint
like a postmortem's PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.culture.meetings import queries
from hansei.postmortems.document import pdf


def _pack(request: AuthedRequest, year: int, month: int) -> queries.Pack:
    access.require(access.can_read_meeting_pack(request.user))
    return queries.meeting_pack(request.user, queries.pack_month(year, month))


@login_required
def latest(request: AuthedRequest) -> HttpResponse:
    month = queries.last_complete_month()
    return redirect("culture:pack", year=month.year, month=month.month)


@login_required
def pack(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    context: dict[str, Any] = {"pack": _pack(request, year, month), "base": ""}
    return render(request, "culture/pack.html", context)


@login_required
def pack_pdf(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    found = _pack(request, year, month)
    html = render_to_string(
        "culture/pack_pdf.html",
        {"pack": found, "base": settings.BASE_URL, "css": pdf.stylesheet(), "for_pdf": True},
    )
    try:
        body = pdf.render_pdf(html)
    except pdf.PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    name = f"meeting-pack-{found.month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
