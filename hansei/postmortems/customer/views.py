"""The customer version's pages: the writers' page (start, write, approve, publish, share)
and the public page at its unguessable address, with its PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import AuthedRequest
from hansei.postmortems.customer import services
from hansei.postmortems.customer.builtin import CUSTOMER_TEMPLATES, default_template_key
from hansei.postmortems.customer.models import (
    MAX_CUSTOMER_SECTION_CHARS,
    CustomerReport,
    CustomerRevision,
    CustomerStatus,
)
from hansei.postmortems.customer.queries import external_findings
from hansei.postmortems.document import pdf
from hansei.postmortems.document.models import Postmortem


@login_required
def customer_report(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    report = CustomerReport.objects.filter(postmortem=postmortem).first()
    if report is None:
        return _start_page(request, postmortem)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        bodies = {
            s["key"]: request.POST.get(f"section-{s['key']}", s["body"]) for s in report.sections
        }
        try:
            services.save_customer_report(
                actor=request.user,
                report=report,
                title=request.POST.get("title", report.title),
                bodies=bodies,
            )
        except ValidationError as error:
            errors = error.message_dict
            report.title = request.POST.get("title", report.title)
            report.sections = [{**s, "body": bodies[s["key"]]} for s in report.sections]
        else:
            messages.success(request, _("Customer version saved."))
            return redirect("postmortems:customer", pk=pk)
    return render(
        request,
        "customer/report.html",
        _page_context(request, report, errors),
        status=400 if errors else 200,
    )


def _start_page(request: AuthedRequest, postmortem: Postmortem) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.start_customer_report(
                actor=request.user,
                postmortem=postmortem,
                template_key=request.POST.get("template", ""),
            )
        except (ValidationError, InvalidState) as refusal:
            error = service_error_text(refusal)
        else:
            return redirect("postmortems:customer", pk=postmortem.pk)
    public = [s.title for s in postmortem.sections.filter(public=True)]
    return render(
        request,
        "customer/start.html",
        {
            "postmortem": postmortem,
            "templates": CUSTOMER_TEMPLATES.values(),
            "default_template": default_template_key(postmortem),
            "public_sections": public,
            "can_write": access.can_edit_postmortem(request.user, postmortem),
            "error": error,
        },
        status=400 if error else 200,
    )


def _page_context(
    request: AuthedRequest, report: CustomerReport, errors: dict[str, list[str]]
) -> dict[str, Any]:
    findings = external_findings(report, ui_lang=translation.get_language() or "en")
    sections = [
        {**s, "findings": findings.get(s["key"], []), "errors": errors.get(s["key"], [])}
        for s in report.sections
    ]
    revisions = list(report.revisions.select_related("published_by", "approved_by"))
    public_url = (
        settings.BASE_URL + reverse("public_reports:report", args=[report.public_token])
        if report.public_token
        else ""
    )
    return {
        "postmortem": report.postmortem,
        "report": report,
        "sections": sections,
        "errors": errors,
        "finding_count": sum(len(f) for f in findings.values()),
        "revisions": revisions[::-1],
        "latest": revisions[-1] if revisions else None,
        "public_url": public_url,
        "statuses": CustomerStatus,
        "max_chars": MAX_CUSTOMER_SECTION_CHARS,
        "can_write": access.can_write_customer_report(request.user, report),
        "can_approve": access.can_approve_customer_report(request.user, report),
    }


ACTIONS = {
    "submit": (services.submit_customer_report, gettext_lazy("Sent for approval.")),
    "approve": (
        services.approve_customer_report,
        gettext_lazy("Approved: a writer may publish it now."),
    ),
    "return": (services.return_customer_report, gettext_lazy("Back to draft.")),
    "revoke": (services.revoke_public_link, gettext_lazy("The public address no longer works.")),
    "link": (services.create_public_link, gettext_lazy("A new public address is ready.")),
}


@login_required
@require_POST
def customer_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    report = get_object_or_404(CustomerReport, postmortem=postmortem)
    try:
        if action == "publish":
            revision = services.publish_customer_report(
                actor=request.user,
                report=report,
                change_note=request.POST.get("change_note", ""),
            )
            done = _("Published as revision %(n)s.") % {"n": revision.number}
        elif action in ACTIONS:
            service, message = ACTIONS[action]
            service(actor=request.user, report=report)
            done = str(message)
        else:
            raise Http404(_("Unknown action."))
    except InvalidState as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("postmortems:customer", pk=pk)


# --- the public page ------------------------------------------------------------------------


def _published(token: str) -> tuple[CustomerReport, CustomerRevision]:
    """The report at ``token`` and its latest revision; 404 for an unknown or revoked
    address, without saying which."""
    report = CustomerReport.objects.filter(public_token=token).first() if token else None
    revision = report.latest_revision() if report is not None else None
    if report is None or revision is None:
        raise Http404(_("This report does not exist or is no longer shared."))
    return report, revision


def _public_html(request: HttpRequest, revision: CustomerRevision, *, for_pdf: bool) -> str:
    with translation.override(revision.language):
        return render_to_string(
            "customer/public.html",
            {
                "revision": revision,
                "sections": revision.shown_sections(),
                "css": pdf.stylesheet() if for_pdf else "",
                "for_pdf": for_pdf,
                "organization": settings.HANSEI_ORGANIZATION_NAME,
            },
            request=None if for_pdf else request,
        )


def public_report(request: HttpRequest, token: str) -> HttpResponse:
    _report, revision = _published(token)
    response = HttpResponse(_public_html(request, revision, for_pdf=False))
    _not_for_search_engines(response)
    return response


def public_report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    _report, revision = _published(token)
    try:
        body = pdf.render_pdf(_public_html(request, revision, for_pdf=True))
    except pdf.PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="incident-report-r{revision.number}.pdf"'
    _not_for_search_engines(response)
    return response


def _not_for_search_engines(response: HttpResponse) -> None:
    # The address is the secret: no indexing, and no Referer carrying it to linked sites.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
