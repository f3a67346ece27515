"""Import chat history into a draft's timeline: upload or paste → preview → confirm.

The preview lives in the session (never in the timeline) until the writer confirms; the
confirmation creates every chosen entry in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import AuthedRequest
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.timeline.forms import TimelineImportForm
from hansei.postmortems.timeline.importers import (
    MAX_LINES,
    ChatLine,
    ParseError,
    Window,
    apply_roles,
    parse,
    suggest_roles,
)
from hansei.postmortems.timeline.services import ImportedEntry, import_timeline_entries
from hansei.postmortems.timeline.window import default_window


def _session_key(pk: int) -> str:
    return f"timeline-import-{pk}"


def _editable(request: AuthedRequest, pk: int) -> Postmortem:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    return postmortem


def _window_initial(postmortem: Postmortem) -> dict[str, datetime]:
    window = default_window(list(postmortem.incidents.all()))
    return {
        "window_start": timezone.localtime(window.start).replace(second=0, microsecond=0),
        # The form shows whole minutes: round the end up so the last messages stay inside.
        "window_end": (timezone.localtime(window.end) + timedelta(minutes=1)).replace(
            second=0, microsecond=0
        ),
    }


def _read(form: TimelineImportForm, reference: datetime) -> list[ChatLine]:
    upload, users = form.cleaned_data["upload"], form.cleaned_data["users_file"]
    data: bytes | str = upload.read() if upload else form.cleaned_data["pasted"]
    users_json = users.read().decode("utf-8-sig", errors="replace") if users else ""
    return parse(
        data,
        fmt=form.cleaned_data["fmt"],
        zone=UTC if form.cleaned_data.get("log_zone") == "UTC" else timezone.get_current_timezone(),
        reference=reference,
        users_json=users_json,
        filename=upload.name if upload else "",
    )


@login_required
def timeline_import(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = _editable(request, pk)
    incidents = list(postmortem.incidents.select_related("commander"))
    initial = _window_initial(postmortem)
    form = TimelineImportForm(request.POST or None, request.FILES or None, initial=initial)
    context: dict[str, Any] = {"postmortem": postmortem, "form": form}
    if not postmortem.is_editable:
        context["closed"] = True
    elif request.method == "POST" and form.is_valid():
        chosen = Window(form.cleaned_data["window_start"], form.cleaned_data["window_end"])
        reference = incidents[0].started_at if incidents else chosen.start
        try:
            preview = _preview(request, postmortem, _read(form, reference), chosen, incidents)
        except ParseError as error:
            form.add_error(None, error.message)
        else:
            context.update(preview)
    return render(
        request,
        "postmortems/timeline/timeline_import.html",
        context,
        status=400 if form.errors else 200,
    )


def _preview(
    request: AuthedRequest,
    postmortem: Postmortem,
    lines: list[ChatLine],
    window: Window,
    incidents: list[Incident],
) -> dict[str, Any]:
    inside = [line for line in lines if window.contains(line.at)]
    if not inside:
        message = _("None of the %(n)s messages falls within the window.") % {"n": len(lines)}
        raise ParseError(f"{message} {_zone_hint(lines, window)}")
    if len(inside) > MAX_LINES:
        raise ParseError(
            _("%(n)s messages fall within the window; at most %(max)s can be imported at once.")
            % {"n": len(inside), "max": MAX_LINES}
        )
    commanders = [str(i.commander) for i in incidents if i.commander]
    commanders += [i.commander.username for i in incidents if i.commander]
    roles = suggest_roles([line.author for line in inside if line.author], commanders=commanders)
    request.session[_session_key(postmortem.pk)] = {
        "lines": [[line.at.isoformat(), line.author, line.text, line.line] for line in inside],
        "roles": list(roles.items()),
        "outside": len(lines) - len(inside),
    }
    return _stored_preview(request, postmortem.pk) or {}


def _zone_hint(lines: list[ChatLine], window: Window) -> str:
    """Why nothing fell inside: most often times without a zone, written in UTC by a bot
    and read in the writer's zone, so say what reading them as UTC would give."""
    zone = timezone.get_current_timezone()
    as_utc = [timezone.localtime(line.at, zone).replace(tzinfo=UTC) for line in lines]
    fitting = sum(1 for at in as_utc if window.contains(at))
    if fitting and timezone.localtime(lines[0].at, zone).utcoffset():
        return _(
            "Times without a zone were read in your time zone (%(zone)s); read as UTC, "
            "%(n)s of them would fall within it: choose UTC under “Times without a zone are "
            "in”."
        ) % {"zone": zone, "n": fitting}
    return _("Check the dates in the log, or widen the window.")


def _stored_preview(request: AuthedRequest, pk: int) -> dict[str, Any] | None:
    """The preview the writer is looking at: rows numbered 0..n-1, speakers with roles."""
    stored = request.session.get(_session_key(pk))
    if not stored:
        return None
    rows = [
        ChatLine(number, datetime.fromisoformat(at), author, text)
        for number, (at, author, text, _line) in enumerate(stored["lines"])
    ]
    sources = [line for *_rest, line in stored["lines"]]
    return {
        "rows": list(zip(rows, sources, strict=True)),
        "lines": rows,
        "speakers": [tuple(pair) for pair in stored["roles"]],
        "outside": stored["outside"],
    }


def _chosen_entries(request: AuthedRequest, preview: dict[str, Any]) -> list[ImportedEntry]:
    lines: list[ChatLine] = preview["lines"]
    if request.POST.get("use_roles") == "1":
        roles = {
            name: request.POST.get(f"role-{i}", "")[:100]
            for i, (name, _role) in enumerate(preview["speakers"])
        }
        lines = apply_roles(lines, roles)
    chosen, key = set(request.POST.getlist("include")), set(request.POST.getlist("key"))
    return [
        ImportedEntry(
            occurred_at=line.at,
            text=f"{line.author}: {line.text}" if line.author else line.text,
            is_key_event=str(line.line) in key,
        )
        for line in lines
        if str(line.line) in chosen
    ]


@login_required
@require_POST
def timeline_import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = _editable(request, pk)
    preview = _stored_preview(request, pk)
    if preview is None:
        messages.error(request, _("The preview has expired: read the file again."))
        return redirect(reverse("postmortems:timeline_import", args=[pk]))
    try:
        created = import_timeline_entries(
            actor=request.user,
            postmortem=postmortem,
            entries=_chosen_entries(request, preview),
            source="chat",
        )
    except (ValidationError, InvalidState) as error:
        text = service_error_text(error)
        form = TimelineImportForm(initial=_window_initial(postmortem))
        context = {"postmortem": postmortem, "form": form, "confirm_error": text, **preview}
        return render(request, "postmortems/timeline/timeline_import.html", context, status=400)
    del request.session[_session_key(pk)]
    messages.success(
        request,
        ngettext("%(n)s entry imported.", "%(n)s entries imported.", len(created))
        % {"n": len(created)},
    )
    return redirect(reverse("postmortems:detail", args=[pk]) + "#timeline")
