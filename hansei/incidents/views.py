from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import Team
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, service_error_text
from hansei.core.http import AuthedRequest
from hansei.incidents import services
from hansei.incidents.forms import (
    IncidentForm,
    PolicyForm,
    RequestPostmortemForm,
    SeverityForm,
)
from hansei.incidents.models import PostmortemPolicy, Severity
from hansei.incidents.policy import postmortem_requirement


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    incidents = (
        access.incidents_visible_to(request.user)
        .select_related("severity", "team", "postmortem")
        .prefetch_related("services")
    )
    team = request.GET.get("team", "")
    severity = request.GET.get("severity", "")
    if team:
        incidents = incidents.filter(team__slug=team)
    if severity:
        incidents = incidents.filter(severity__name=severity)
    page = Paginator(incidents, 25).get_page(request.GET.get("page"))
    policy = PostmortemPolicy.current()
    rows = [(incident, postmortem_requirement(incident, policy)) for incident in page]
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "rows": rows,
            "teams": Team.objects.all(),
            "severities": Severity.objects.all(),
            "team": team,
            "severity": severity,
            "can_record": access.can_record_incidents(request.user),
        },
    )


@login_required
def incident_new(request: AuthedRequest) -> HttpResponse:
    access.require(
        access.can_record_incidents(request.user), _("Reviewers cannot record incidents.")
    )
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.create_incident(actor=request.user, data=form.to_input())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Incident recorded."))
            return redirect("incidents:detail", pk=incident.pk)
    context = {"form": form, "incident": None}
    return render(request, "incidents/form.html", context, status=400 if form.errors else 200)


@login_required
def incident_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, pk)
    access.require(access.can_manage_incident(request.user, incident))
    initial = IncidentForm.initial_for(incident)
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(actor=request.user, incident=incident, data=form.to_input())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Incident updated."))
            return redirect("incidents:detail", pk=incident.pk)
    context = {"form": form, "incident": incident}
    return render(request, "incidents/form.html", context, status=400 if form.errors else 200)


@login_required
def incident_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, pk)
    requirement = postmortem_requirement(incident)
    can_manage = access.can_manage_incident(request.user, incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "requirement": requirement,
            "can_manage": can_manage,
            "request_form": RequestPostmortemForm(),
            "postmortem_visible": incident.postmortem is not None
            and access.can_view_postmortem(request.user, incident.postmortem),
            "can_delete": access.can_delete_records(request.user)
            and incident.postmortem_id is None,
        },
    )


@login_required
@require_POST
def incident_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, pk)
    title = incident.title
    try:
        services.delete_incident(actor=request.user, incident=incident)
    except InvalidState as error:
        messages.error(request, error.message)
        return redirect("incidents:detail", pk=pk)
    messages.success(request, _("Deleted the incident “%(title)s”.") % {"title": title})
    return redirect("incidents:list")


@login_required
@require_POST
def request_postmortem(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, pk)
    form = RequestPostmortemForm(request.POST)
    if form.is_valid():
        try:
            services.request_postmortem(
                actor=request.user, incident=incident, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, InvalidState) as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Postmortem requested. The team will see it."))
    else:
        messages.error(request, _("The reason is too long (at most 500 characters)."))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    current = PostmortemPolicy.current()
    deadlines = [
        (priority, getattr(current, f"action_due_days_{priority.lower()}"))
        for priority in ("P0", "P1", "P2", "P3")
    ]
    return render(
        request,
        "incidents/policy.html",
        {
            "policy": current,
            "severities": Severity.objects.all(),
            "can_edit": access.can_administer(request.user),
            "action_deadlines": deadlines,
        },
    )


@login_required
def policy_edit(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user), _("Only admins can change the policy."))
    current = PostmortemPolicy.current()
    severities = list(Severity.objects.all())
    form = PolicyForm(request.POST or None, instance=PostmortemPolicy.current())
    severity_forms = [
        SeverityForm(request.POST or None, instance=s, prefix=f"sev{s.pk}") for s in severities
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in severity_forms):
        try:
            with transaction.atomic():
                services.update_policy(actor=request.user, changes=form.cleaned_data)
                for severity, sform in zip(severities, severity_forms, strict=True):
                    fresh = Severity.objects.get(pk=severity.pk)
                    services.update_severity(
                        actor=request.user, severity=fresh, changes=sform.cleaned_data
                    )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Policy saved."))
            return redirect("incidents:policy")
    return render(
        request,
        "incidents/policy_edit.html",
        {"form": form, "severity_forms": severity_forms, "policy": current},
    )
