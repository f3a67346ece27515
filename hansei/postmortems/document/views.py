from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, form_error_text, service_error_text
from hansei.core.http import AuthedRequest
from hansei.core.markdown import render_markdown
from hansei.postmortems.document import pdf, services, standalone
from hansei.postmortems.document.forms import DetailsForm, PublishForm, StartPostmortemForm
from hansei.postmortems.document.models import MAX_SECTION_CHARS, Postmortem, Revision, Status
from hansei.postmortems.document.reading import reading_context
from hansei.postmortems.document.snapshot import snapshot_to_markdown
from hansei.postmortems.page import detail_context

LIST_FILTERS = {
    "mine": lambda qs, user: qs.filter(owner=user).open(),
    "draft": lambda qs, user: qs.filter(status=Status.DRAFT),
    "in_review": lambda qs, user: qs.filter(status=Status.IN_REVIEW),
    "approved": lambda qs, user: qs.filter(status=Status.APPROVED),
    "published": lambda qs, user: qs.filter(status=Status.PUBLISHED),
    "overdue": lambda qs, user: qs.overdue(),
}


@login_required
def postmortem_list(request: AuthedRequest) -> HttpResponse:
    postmortems = access.postmortems_visible_to(request.user).select_related("team", "owner")
    current = request.GET.get("show", "")
    if current in LIST_FILTERS:
        postmortems = LIST_FILTERS[current](postmortems, request.user)
    page = Paginator(postmortems.order_by("-updated_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "postmortems/list.html",
        {"page": page, "show": current, "filters": list(LIST_FILTERS)},
    )


@login_required
def postmortem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The reading view for everyone who is not editing: once published (writers amend it
    on purpose), and for whoever may not change the draft now. Its writers get the editor,
    and the reading view with ``?view=read``; ``?view=live`` opens the live document
    read-only (to comment on selected text) for those who may join it."""
    user = request.user
    postmortem = access.get_postmortem_for_user(user, pk)
    latest = _revision_read(request, postmortem)
    if latest is not None:
        services.record_read(reader=user, revision=latest)
        context = reading_context(request, postmortem, latest)
        return render(request, "postmortems/read.html", context)
    view = request.GET.get("view", "")
    if access.can_change_draft(user, postmortem):
        show_editor = view != "read"
    else:
        show_editor = view == "live" and access.can_join_live_document(user, postmortem)
    if not show_editor:
        return render(request, "postmortems/read.html", reading_context(request, postmortem))
    return render(request, "postmortems/detail.html", detail_context(request, postmortem))


@login_required
@require_POST
def save_section(request: AuthedRequest, pk: int, key: str) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    section = get_object_or_404(postmortem.sections, key=key)
    body = request.POST.get("body", "")
    outcome = htmx.attempt(
        lambda: services.update_section(actor=request.user, section=section, body=body)
    )
    section.body = body

    def page(_context: dict[str, Any], status: int) -> HttpResponse:
        overrides = {key: (body, outcome.error)}
        context = detail_context(request, postmortem, overrides=overrides)
        return render(request, "postmortems/detail.html", context, status=status)

    return htmx.answer(
        request,
        outcome,
        fragment="postmortems/_section_editor.html",
        context=lambda: {
            "postmortem": postmortem,
            "section": section,
            "error": outcome.error,
            "saved": outcome.ok,
        },
        back=reverse("postmortems:detail", args=[pk]) + f"#section-{key}",
        page=page,
        done=_("Saved “%(title)s”.") % {"title": section.title},
    )


@login_required
@require_POST
def preview(request: AuthedRequest) -> HttpResponse:
    body = request.POST.get("body", "")
    if len(body) > MAX_SECTION_CHARS:
        return HttpResponse(_("Too long to preview."), status=400)
    html = render_markdown(body)
    if not html.strip():
        html = format_html('<p class="placeholder">{}</p>', _("Nothing to preview yet."))
    return HttpResponse(html)


@login_required
def edit_details(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    form = DetailsForm(
        request.POST or None,
        team=postmortem.team,
        in_review=not postmortem.is_editable,
        initial={
            "title": postmortem.title,
            "owner": postmortem.owner,
            "due_date": postmortem.due_date,
            "restricted": postmortem.restricted,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_postmortem(
                actor=request.user, postmortem=postmortem, **form.cleaned_data
            )
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Details saved."))
            return redirect("postmortems:detail", pk=pk)
    can_delete = access.can_delete_records(request.user) and not postmortem.revisions.exists()
    context = {"form": form, "postmortem": postmortem, "can_delete": can_delete}
    return render(request, "postmortems/details_form.html", context)


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    title = postmortem.title
    try:
        services.delete_postmortem(actor=request.user, postmortem=postmortem)
    except InvalidState as error:
        messages.error(request, error.message)
        return redirect("postmortems:detail", pk=pk)
    messages.success(request, _("Deleted the draft “%(title)s”.") % {"title": title})
    return redirect("postmortems:list")


@login_required
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The change note is too long (at most 500 characters)."))
        return redirect("postmortems:detail", pk=pk)
    try:
        revision = services.publish_postmortem(
            actor=request.user, postmortem=postmortem, change_note=form.cleaned_data["change_note"]
        )
    except (ValidationError, InvalidState) as error:
        messages.error(request, service_error_text(error))
    else:
        if revision.is_amendment:
            messages.success(request, _("Amendment published as revision %s.") % revision.number)
        else:
            messages.success(request, _("Published. It is in the archive for its readers."))
    return redirect("postmortems:detail", pk=pk)


@login_required
@require_POST
def amend(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    try:
        services.start_amendment(actor=request.user, postmortem=postmortem)
    except InvalidState as error:
        messages.error(request, error.message)
    else:
        messages.info(
            request,
            _("Amendment started. Readers see the published revision until it is re-published."),
        )
    return redirect("postmortems:detail", pk=pk)


@login_required
def revision_list(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    revisions = postmortem.revisions.select_related("published_by").order_by("-number")
    context = {
        "postmortem": postmortem,
        "revisions": revisions,
        "can_view_versions": access.can_view_versions(request.user, postmortem),
    }
    return render(request, "postmortems/revisions.html", context)


@login_required
def revision_detail(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    revision = get_object_or_404(Revision, postmortem=postmortem, number=number)
    services.record_read(reader=request.user, revision=revision)
    return render(request, "postmortems/read.html", reading_context(request, postmortem, revision))


@login_required
def export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    if fmt == "pdf":
        return _pdf(request, postmortem, _revision_read(request, postmortem))
    if fmt not in ("md", "json", "zip"):
        raise Http404(_("Unknown export format."))
    exported = _exported(request, postmortem)
    data = exported.data
    services.note_export(
        actor=request.user, postmortem=postmortem, fmt=fmt, revision=data.get("revision")
    )
    filename = f"postmortem-{postmortem.pk}"
    if fmt == "zip":
        body = standalone.bundle([exported], reader=request.user)
        return _attachment(body, "application/zip", f"{filename}.zip")
    if fmt == "md":
        return _attachment(
            snapshot_to_markdown(data), "text/markdown; charset=utf-8", f"{filename}.md"
        )
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _attachment(text, "application/json; charset=utf-8", f"{filename}.json")


def _attachment(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def revision_pdf(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    revision = get_object_or_404(Revision, postmortem=postmortem, number=number)
    return _pdf(request, postmortem, revision)


def _pdf(request: AuthedRequest, postmortem: Postmortem, revision: Revision | None) -> HttpResponse:
    """The reading view's document, laid out for A4, of ``revision`` (None: the draft as its
    writers see it now)."""
    try:
        body = standalone.postmortem_pdf(postmortem, revision, reader=request.user)
    except pdf.PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    services.note_export(
        actor=request.user,
        postmortem=postmortem,
        fmt="pdf",
        revision=revision.number if revision else None,
    )
    return _attachment(body, "application/pdf", standalone.pdf_file_name(postmortem, revision))


def _exported(request: AuthedRequest, postmortem: Postmortem) -> standalone.Exported:
    """What ``request``'s user exports (``_revision_read``) and the published revisions
    before it."""
    return standalone.exported(postmortem, _revision_read(request, postmortem))


def _revision_read(request: AuthedRequest, postmortem: Postmortem) -> Revision | None:
    """The published revision ``request``'s user reads, exports and prints: the latest
    once published; while an amendment is drafted, the latest for readers who may not read
    the draft (``access.revision_shown_instead``). None: the live content."""
    if postmortem.status == Status.PUBLISHED:
        return postmortem.latest_revision()
    return access.revision_shown_instead(request.user, postmortem)


@login_required
@require_POST
def start_postmortem(request: AuthedRequest, incident_id: int) -> HttpResponse:
    """Start the draft of an incident's postmortem (the form is on the incident's page)."""
    incident = access.get_incident_for_user(request.user, incident_id)
    access.require(access.can_manage_incident(request.user, incident))
    form = StartPostmortemForm(request.POST, team=incident.team)
    if form.is_valid():
        try:
            postmortem = services.create_postmortem(
                actor=request.user, incident=incident, **form.cleaned_data
            )
        except (ValidationError, InvalidState) as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Draft created. Write it together, then submit it."))
            return redirect("postmortems:detail", pk=postmortem.pk)
    else:
        messages.error(request, form_error_text(form))
    return redirect("incidents:detail", pk=incident.pk)
