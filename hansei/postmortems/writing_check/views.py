"""The writing check on the pages: the panel beside the postmortem, dismissing and restoring
a finding. The postmortem page shows the panel through ``detail_context``'s ``lint_panel``
key; the panel's own URL answers the fragment alone, so scripts can refresh it. Without
JavaScript the forms post and come back to the page at ``#lint-panel``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.page import page_showing
from hansei.postmortems.writing_check import services
from hansei.postmortems.writing_check.context import PANEL_TEMPLATE, lint_panel_context


def _panel_response(
    request: AuthedRequest,
    postmortem: Postmortem,
    outcome: htmx.Outcome,
    *,
    done: str = "",
    failed: tuple[str, str, str] | None = None,
) -> HttpResponse:
    """The panel (htmx); else back to the page, or the page with the error (4xx).
    ``failed``: (fingerprint, reason, error) of a refused dismissal, shown on its finding."""
    error = "" if outcome.ok or failed else outcome.error
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL_TEMPLATE,
        context=lambda: {
            "lint_panel": lint_panel_context(request, postmortem, failed=failed, error=error)
        },
        back=reverse("postmortems:detail", args=[postmortem.pk]) + "#lint-panel",
        page=page_showing(request, postmortem),
        done=done,
    )


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
    outcome = htmx.attempt(
        lambda: services.dismiss_finding(
            actor=request.user,
            postmortem=postmortem,
            fingerprint=fingerprint,
            rule_id=request.POST.get("rule", ""),
            section_key=request.POST.get("section", ""),
            text=request.POST.get("text", ""),
            reason=reason,
        )
    )
    failed = None if outcome.ok else (fingerprint, reason, outcome.error)
    done = _("Finding dismissed. Reviewers see why.")
    return _panel_response(request, postmortem, outcome, done=done, failed=failed)


@login_required
@require_POST
def lint_restore(request: AuthedRequest, pk: int, dismissal_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_view_lint_findings(request.user, postmortem))
    dismissal = get_object_or_404(postmortem.lint_dismissals, pk=dismissal_id)
    outcome = htmx.attempt(
        lambda: services.restore_finding(actor=request.user, dismissal=dismissal)
    )
    return _panel_response(request, postmortem, outcome, done=_("The finding is open again."))
