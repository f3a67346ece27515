"""The reading club: its page (/culture/reading/), a reading list, a session (readings,
who is coming, the discussion, notes and attendance), scheduling and changing sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest, absolute_url
from hansei.culture.forms import (
    AttendanceForm,
    CommentForm,
    NotesForm,
    ReadingForm,
    ReadingListForm,
    SessionForm,
)
from hansei.culture.reading import queries, services
from hansei.culture.reading.calendar import session_calendar
from hansei.culture.reading.models import ReadingList, ReadingSession


def _session_url(session: ReadingSession) -> str:
    return reverse("culture:session", args=[session.pk])


def _list_url(reading_list: ReadingList) -> str:
    return reverse("culture:reading_list", args=[reading_list.pk])


@login_required
def club(request: AuthedRequest) -> HttpResponse:
    return render(request, "culture/reading/club.html", {"club": queries.club(request.user)})


def _form_page(
    request: AuthedRequest,
    template: str,
    context: dict[str, Any],
    action: Callable[[], Any],
    *,
    back: Callable[[Any], str],
    done: str,
) -> HttpResponse:
    """A page holding one form: shown, then on a post the service ``action`` called, and back
    to ``back(result)`` or the page again with the errors in place."""
    if request.method != "POST":
        return render(request, template, context)
    outcome = htmx.attempt(action, form=context["form"])
    return htmx.answer(
        request,
        outcome,
        fragment=template,
        context=lambda: context,
        back=back(outcome.result) if outcome.ok else request.path,
        page=lambda context, status: render(request, template, context, status=status),
        done=done,
    )


@login_required
def new_list(request: AuthedRequest) -> HttpResponse:
    form = ReadingListForm(request.POST or None)
    return _form_page(
        request,
        "culture/reading/new_list.html",
        {"form": form},
        lambda: services.create_list(actor=request.user, **form.cleaned_data),
        back=_list_url,
        done=_("The list is made: add what to read."),
    )


def _list_context(
    request: AuthedRequest, reading_list: ReadingList, form: ReadingForm
) -> dict[str, Any]:
    readings = queries.readings_of_list(request.user, reading_list)
    return {
        "reading_list": reading_list,
        "readings": [
            (reading, access.can_remove_reading(request.user, reading)) for reading in readings
        ],
        "form": form,
    }


@login_required
def reading_list(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_list_for_user(request.user, pk)
    form = ReadingForm(request.POST or None)
    return _form_page(
        request,
        "culture/reading/list.html",
        _list_context(request, found, form),
        lambda: services.add_reading(actor=request.user, reading_list=found, **form.cleaned_data),
        back=lambda _reading: _list_url(found),
        done=_("Added to the list."),
    )


@login_required
@require_POST
def remove_reading(request: AuthedRequest, pk: int) -> HttpResponse:
    reading = access.get_reading_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.remove_reading(actor=request.user, reading=reading))
    return htmx.answer(
        request,
        outcome,
        fragment="culture/reading/list.html",
        context=lambda: _list_context(request, reading.reading_list, ReadingForm()),
        back=_list_url(reading.reading_list),
        done=_("Taken off the list."),
    )


def _session_form(request: AuthedRequest, **kwargs: Any) -> SessionForm:
    return SessionForm(
        request.POST or None,
        readings=queries.readings_for(request.user).order_by("reading_list__title", "id"),
        **kwargs,
    )


@login_required
def new_session(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_join_reading_club(request.user))
    form = _session_form(request, initial={"facilitator": request.user.pk})
    return _form_page(
        request,
        "culture/reading/session_form.html",
        {"form": form, "session": None},
        lambda: services.schedule_session(actor=request.user, **form.cleaned_data),
        back=_session_url,
        done=_("The session is scheduled."),
    )


@login_required
def edit_session(request: AuthedRequest, pk: int) -> HttpResponse:
    session = access.get_reading_session_for_user(request.user, pk)
    access.require(access.can_run_session(request.user, session))
    form = _session_form(
        request,
        initial={
            "title": session.title,
            "starts_at": session.starts_at,
            "duration": session.duration,
            "location": session.location,
            "facilitator": session.facilitator_id,
            "readings": list(session.readings.values_list("pk", flat=True)),
        },
    )
    del form.fields["announce"]
    return _form_page(
        request,
        "culture/reading/session_form.html",
        {"form": form, "session": session},
        lambda: services.update_session(actor=request.user, session=session, **form.cleaned_data),
        back=_session_url,
        done=_("The session is changed."),
    )


def _session_context(
    request: AuthedRequest, session: ReadingSession, **forms: Any
) -> dict[str, Any]:
    view = queries.session_view(request.user, session)
    context: dict[str, Any] = {
        "view": view,
        "comment_form": CommentForm(),
        "notes_form": NotesForm(initial={"notes": session.notes}),
        "attendance_form": None,
    }
    if view.can_run and session.has_started and not session.is_cancelled:
        context["attendance_form"] = AttendanceForm(
            candidates=queries.attendance_candidates(session),
            initial={"people": [person.pk for person in view.attended]},
        )
    context.update(forms)
    context["can_delete"] = {
        comment.pk: access.can_delete_session_comment(request.user, comment)
        for comment in view.comments
    }
    return context


def _session_answer(
    request: AuthedRequest,
    found: ReadingSession,
    outcome: htmx.Outcome,
    *,
    anchor: str = "",
    done: str = "",
    **forms: Any,
) -> HttpResponse:
    """After a button or form of the session's page: back to it, or the page with the errors
    of the form in ``forms`` in place."""
    template = "culture/reading/session.html"
    return htmx.answer(
        request,
        outcome,
        fragment=template,
        context=lambda: _session_context(request, found, **forms),
        back=_session_url(found) + anchor,
        page=(lambda context, status: render(request, template, context, status=status))
        if forms
        else None,
        done=done,
    )


@login_required
def session(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    return render(request, "culture/reading/session.html", _session_context(request, found))


@login_required
@require_POST
def going(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    coming = request.POST.get("going") == "1"
    outcome = htmx.attempt(
        lambda: services.set_going(actor=request.user, session=found, going=coming)
    )
    done = _("See you there.") if coming else _("You are not coming.")
    return _session_answer(request, found, outcome, done=done)


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.cancel_session(actor=request.user, session=found))
    done = _("The session is cancelled; those coming are told.")
    return _session_answer(request, found, outcome, done=done)


@login_required
@require_POST
def comment(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    form = CommentForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.add_comment(actor=request.user, session=found, **form.cleaned_data),
        form=form,
    )
    return _session_answer(request, found, outcome, anchor="#discussion", comment_form=form)


@login_required
@require_POST
def delete_comment(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_comment_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.delete_comment(actor=request.user, comment=found))
    done = _("The comment is deleted.")
    return _session_answer(request, found.session, outcome, anchor="#discussion", done=done)


@login_required
@require_POST
def notes(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    access.require(access.can_run_session(request.user, found))
    form = NotesForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.save_notes(actor=request.user, session=found, **form.cleaned_data),
        form=form,
    )
    done = _("The notes are kept.")
    return _session_answer(request, found, outcome, anchor="#notes", done=done, notes_form=form)


@login_required
@require_POST
def attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    access.require(access.can_run_session(request.user, found))
    form = AttendanceForm(request.POST, candidates=queries.attendance_candidates(found))
    outcome = htmx.attempt(
        lambda: services.record_attendance(
            actor=request.user, session=found, people=form.attendees()
        ),
        form=form,
    )
    done = _("Attendance is recorded.")
    return _session_answer(
        request, found, outcome, anchor="#attendance", done=done, attendance_form=form
    )


@login_required
def calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_reading_session_for_user(request.user, pk)
    titles = [reading.label for reading in queries.session_readings(request.user, found)]
    body = session_calendar(found, url=absolute_url(_session_url(found)), readings=titles)
    response = HttpResponse(body, content_type="text/calendar; charset=UTF-8")
    response["Content-Disposition"] = f'attachment; filename="reading-session-{found.pk}.ics"'
    return response
