"""The dashboard (/insights/) and each figure as CSV (/insights/<figure>.csv), with the same
filters. Bad filters are a 400 that says why (on the page: the form with its errors)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from hansei.accounts.models import User
from hansei.core.http import AuthedRequest
from hansei.insights.figures import FIGURES, SECTIONS, Figure, Section
from hansei.insights.forms import InsightsFilterForm
from hansei.insights.scope import Scope
from hansei.insights.tables import Table


@dataclass(frozen=True)
class Shown:
    """A figure as the page shows it."""

    figure: Figure
    chart: SafeString | None
    table: Table
    warning: str


def show_figure(figure: Figure, user: User, scope: Scope) -> Shown:
    data = figure.compute(user, scope)
    chart = figure.chart(data, f"chart-{figure.slug}", str(figure.title))
    return Shown(figure, chart, figure.table(data), figure.warning(data))


def _errors(form: InsightsFilterForm) -> str:
    """Every error of the filters, each after its field's name."""
    parts = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        parts += [f"{label}: {message}" if label else str(message) for message in messages]
    return " ".join(parts)


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    form = InsightsFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "sections": [], "errors": _errors(form)}
        return render(request, "insights/dashboard.html", context, status=400)
    scope = form.scope()
    sections: list[tuple[Section, list[Shown]]] = [
        (section, [show_figure(figure, request.user, scope) for figure in section.figures])
        for section in SECTIONS
    ]
    context = {
        "form": form,
        "scope": scope,
        "sections": sections,
        "query": urlencode(scope.as_query()),
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def figure_csv(request: AuthedRequest, figure: str) -> HttpResponse:
    found = FIGURES.get(figure)
    if found is None:
        raise Http404
    form = InsightsFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_errors(form), status=400, content_type="text/plain; charset=utf-8")
    scope = form.scope()
    table = found.table(found.compute(request.user, scope))
    response = HttpResponse("".join(table.csv_lines()), content_type="text/csv; charset=utf-8")
    name = f"hansei-{found.slug}-{scope.since.isoformat()}-{scope.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
