from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, form_error_text
from hansei.core.http import AuthedRequest
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.queries import sections_missing_content
from hansei.postmortems.document.reading import reading_context
from hansei.postmortems.page import status_steps
from hansei.postmortems.writing_check.context import lint_panel_context, submit_summary
from hansei.reviews import services
from hansei.reviews.forms import MeetingNoteForm, ReviewForm, SubmitForm
from hansei.reviews.models import CHECKLIST, Decision


@login_required
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    previous = postmortem.reviews.filter(round=postmortem.review_round).values_list(
        "reviewer", flat=True
    )
    form = SubmitForm(
        request.POST or None, owner=postmortem.owner, initial={"reviewers": list(previous)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_for_review(
                actor=request.user, postmortem=postmortem, reviewers=form.cleaned_data["reviewers"]
            )
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Submitted for review. The reviewers were notified."))
            return redirect("postmortems:detail", pk=pk)
    return render(
        request,
        "reviews/submit.html",
        {
            "form": form,
            "postmortem": postmortem,
            "missing": sections_missing_content(postmortem),
            "policy": PostmortemPolicy.current(),
            "open_items": postmortem.action_items.count(),
            "lint_summary": submit_summary(request, postmortem),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    try:
        services.withdraw_from_review(actor=request.user, postmortem=postmortem)
    except InvalidState as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Withdrawn from review: it is a draft again."))
    return redirect("postmortems:detail", pk=pk)


@login_required
def review(request: AuthedRequest, pk: int, review_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    if not access.can_read_live_content(request.user, postmortem):
        raise Http404  # the review page shows the draft being amended
    reviews = access.reviews_visible_to(request.user).filter(postmortem=postmortem)
    the_review = get_object_or_404(reviews.select_related("reviewer"), pk=review_id)
    deciding = (
        access.can_decide_review(request.user, the_review)
        and the_review.decision == Decision.PENDING
        and the_review.round == postmortem.review_round
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and deciding and form.is_valid():
        action = request.POST.get("decision")
        try:
            if action == "approve":
                services.approve_review(
                    actor=request.user,
                    review=the_review,
                    checklist=form.checklist(),
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Approved. Thank you for reviewing."))
            elif action == "request_changes":
                services.request_changes(
                    actor=request.user,
                    review=the_review,
                    comment=form.cleaned_data["comment"],
                    checklist=form.checklist(),
                )
                messages.success(request, _("Changes requested. The author was told why."))
            else:
                form.add_error(None, _("Choose approve or request changes."))
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        if not form.errors:
            return redirect("postmortems:detail", pk=pk)
    # The reviewer reads the whole document (impact, analysis, items, incidents) beside
    # the checklist that asks about it, and the discussion under it.
    context = reading_context(request, postmortem)
    context.update(
        {
            "steps": status_steps(postmortem),
            "lint_panel": lint_panel_context(request, postmortem),
            "review": the_review,
            "form": form,
            "deciding": deciding,
            "review_checklist": CHECKLIST,
            "editing": False,
        }
    )
    return render(request, "reviews/review.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def meeting_note(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = MeetingNoteForm(request.POST, postmortem=postmortem)
    if form.is_valid():
        try:
            services.record_meeting_note(
                actor=request.user, postmortem=postmortem, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
    if form.errors:
        messages.error(request, form_error_text(form))
    else:
        messages.success(request, _("Review meeting notes recorded."))
    return redirect(reverse("postmortems:detail", args=[pk]) + "#meeting-notes")
