"""The writing check on the pages: the panel beside the postmortem, dismissing and restoring
a finding. The postmortem page shows the panel through ``detail_context``'s ``lint_panel``
key; the panel's own URL answers the fragment alone, so scripts can refresh it. Without
JavaScript the forms post and come back to the page at ``#lint-panel``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import AuthedRequest, is_htmx
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.page import detail_context
from hansei.postmortems.writing_check import services
from hansei.postmortems.writing_check.context import PANEL_TEMPLATE, lint_panel_context


def _panel_response(
    request: AuthedRequest,
    postmortem: Postmortem,
    *,
    status: int = 200,
    done: str = "",
    failed: tuple[str, str, str] | None = None,
    error: str = "",
) -> HttpResponse:
    """The panel (htmx); else back to the page, or the page with the error (4xx)."""
    if is_htmx(request):
        panel = lint_panel_context(request, postmortem, failed=failed, error=error)
        return render(request, PANEL_TEMPLATE, {"lint_panel": panel}, status=status)
    if status < 400:
        if done:
            messages.success(request, done)
        return redirect(reverse("postmortems:detail", args=[postmortem.pk]) + "#lint-panel")
    context = detail_context(request, postmortem)
    context["lint_panel"] = lint_panel_context(request, postmortem, failed=failed, error=error)
    return render(request, "postmortems/detail.html", context, status=status)


def _refusal_status(error: ValidationError | InvalidState) -> int:
    return 409 if isinstance(error, InvalidState) else 400


@login_required
@require_GET
def lint_panel(request: AuthedRequest, pk: int) -> HttpResponse:
    """The panel alone, for scripts that refresh it (403 for readers who may not see it)."""
    postmortem = access.get_postmortem_for_user(request.user, pk)
    panel = lint_panel_context(request, postmortem)
    access.require(panel is not None)
    return render(request, PANEL_TEMPLATE, {"lint_panel": panel})


@login_required
@require_POST
def lint_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_view_lint_findings(request.user, postmortem))
    fingerprint = request.POST.get("fingerprint", "")
    reason = request.POST.get("reason", "")
    try:
        services.dismiss_finding(
            actor=request.user,
            postmortem=postmortem,
            fingerprint=fingerprint,
            rule_id=request.POST.get("rule", ""),
            section_key=request.POST.get("section", ""),
            text=request.POST.get("text", ""),
            reason=reason,
        )
    except (ValidationError, InvalidState) as error:
        message = service_error_text(error)
        return _panel_response(
            request,
            postmortem,
            status=_refusal_status(error),
            failed=(fingerprint, reason, message),
        )
    return _panel_response(request, postmortem, done=_("Finding dismissed. Reviewers see why."))


@login_required
@require_POST
def lint_restore(request: AuthedRequest, pk: int, dismissal_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_view_lint_findings(request.user, postmortem))
    dismissal = get_object_or_404(postmortem.lint_dismissals, pk=dismissal_id)
    try:
        services.restore_finding(actor=request.user, dismissal=dismissal)
    except InvalidState as error:
        return _panel_response(request, postmortem, status=409, error=error.message)
    return _panel_response(request, postmortem, done=_("The finding is open again."))
