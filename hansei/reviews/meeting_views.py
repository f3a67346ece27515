"""Pages of review meetings: schedule, change, cancel, and the calendar file of one.

Scheduling is offered on the postmortem's page (``{% meeting_notes_panel %}``); a form
with errors comes back on its own page, with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, service_error_text
from hansei.core.http import AuthedRequest, absolute_url
from hansei.reviews import meetings
from hansei.reviews.calendar import MIMETYPE, Method, meeting_calendar
from hansei.reviews.forms import ReviewMeetingForm
from hansei.reviews.models import ReviewMeeting


def _anchor(meeting: ReviewMeeting) -> str:
    return reverse("postmortems:detail", args=[meeting.postmortem_id]) + f"#meeting-{meeting.pk}"


@login_required
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    initial = {"invitees": meetings.default_invitees(postmortem)}
    form = ReviewMeetingForm(request.POST or None, initial=initial, postmortem=postmortem)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.schedule_review_meeting(
                actor=request.user, postmortem=postmortem, data=form.meeting_input()
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Review meeting scheduled. The invitations are on their way.")
            )
            return redirect(_anchor(meeting))
    context = {"form": form, "postmortem": postmortem, "meeting": None}
    return render(request, "reviews/meeting_form.html", context, status=400 if form.errors else 200)


@login_required
def edit(request: AuthedRequest, pk: int, meeting_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    meeting = access.get_review_meeting_for_user(request.user, postmortem, meeting_id)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    initial = {
        "starts_at": meeting.starts_at,
        "duration": meeting.duration,
        "location": meeting.location,
        "agenda": meeting.agenda,
        "invitees": list(meeting.people_invited()),
    }
    form = ReviewMeetingForm(request.POST or None, initial=initial, postmortem=postmortem)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.update_review_meeting(
                actor=request.user, meeting=meeting, data=form.meeting_input()
            )
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Review meeting changed. Everyone concerned is told."))
            return redirect(_anchor(meeting))
    context = {"form": form, "postmortem": postmortem, "meeting": meeting}
    return render(request, "reviews/meeting_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int, meeting_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    meeting = access.get_review_meeting_for_user(request.user, postmortem, meeting_id)
    try:
        meetings.cancel_review_meeting(actor=request.user, meeting=meeting)
    except InvalidState as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(request, _("Review meeting cancelled. The invitees are told."))
    return redirect(_anchor(meeting))


@login_required
def calendar_file(request: AuthedRequest, pk: int, meeting_id: int) -> HttpResponse:
    """The meeting for the reader's own calendar (``PUBLISH``: a copy, not an invitation)."""
    postmortem = access.get_postmortem_for_user(request.user, pk)
    meeting = access.get_review_meeting_for_user(request.user, postmortem, meeting_id)
    content = meeting_calendar(
        meeting,
        method=Method.CANCEL if meeting.is_cancelled else Method.PUBLISH,
        sequence=meeting.sequence,
        title=access.title_shown_to(request.user, postmortem),
        url=absolute_url(_anchor(meeting)),
        attendees=meeting.people_invited(),
    )
    response = HttpResponse(content, content_type=MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="review-meeting-{meeting.pk}.ics"'
    return response
