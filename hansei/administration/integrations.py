"""Integrations: the list (what to paste into each sending tool, its last delivery), a new one,
one's settings with its mappings edited as rows, a new address and secret, and a test event
(a dry run of a documented sample, or the sample sent for real).

Admins only (403 for anyone else). Views read the form, call one service of
``hansei.integrations.setup`` (which checks, saves and audits) and render; bad input answers
400 with the form and its errors, and saves nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import Team
from hansei.core.forms import RowChoiceField
from hansei.core.http import AuthedRequest, absolute_url
from hansei.incidents.models import Service, Severity
from hansei.integrations import samples, setup
from hansei.integrations.models import Delivery, Integration, Kind, Outcome, OwnerRule

EXTRA_ROWS = 3  # empty rows under each mapping, to add more
MAX_POSTED_ROWS = setup.MAX_ROWS + EXTRA_ROWS
RECENT_DELIVERIES = 5
# Each mapping editor: its prefix in the form, and the name of its target column.
EDITORS = {"severity": "level", "service": "slug"}

# What the outside value of each mapping is, per sending tool.
SEVERITY: dict[str, Any] = {
    Kind.PAGERDUTY: gettext_lazy(
        "The incident's priority name (P1, as your PagerDuty account names them) or its "
        "urgency (high, low)."
    ),
    Kind.OPSGENIE: gettext_lazy("The alert's priority: P1 to P5."),
    Kind.ALERTMANAGER: gettext_lazy(
        "The value of the alerts' severity label (or priority), such as critical or warning."
    ),
    Kind.GRAFANA: gettext_lazy(
        "The value of the alerts' severity label (or priority), such as critical or warning."
    ),
}
SERVICE: dict[str, Any] = {
    Kind.PAGERDUTY: gettext_lazy(
        "The PagerDuty service's id (PF9KMXH) or its name (API Service): PagerDuty sends both, "
        "one row for either is enough."
    ),
    Kind.OPSGENIE: gettext_lazy("The alert's entity (checkout-api) or one of its tags."),
    Kind.ALERTMANAGER: gettext_lazy("The value of the alerts' service, job or app label."),
    Kind.GRAFANA: gettext_lazy("The value of the alerts' service, job or app label."),
}
PASTE: dict[str, Any] = {
    Kind.PAGERDUTY: gettext_lazy(
        "PagerDuty: Integrations → Generic Webhooks (v3) → New Webhook, with this URL; "
        "subscribe to incident.triggered, incident.acknowledged and incident.resolved. Then "
        "paste the signing secret PagerDuty shows into “Replace the secret” and save."
    ),
    Kind.OPSGENIE: gettext_lazy(
        "Opsgenie: Settings → Integrations → Webhook, with this URL, the actions Create, "
        "Acknowledge and Close, and a custom header Authorization: Bearer, then the secret."
    ),
    Kind.ALERTMANAGER: gettext_lazy(
        "alertmanager.yml: a receiver whose webhook_configs has this url, send_resolved: true "
        "and http_config.authorization with type Bearer and the secret as credentials."
    ),
    Kind.GRAFANA: gettext_lazy(
        "Grafana: Alerting → Contact points → Webhook, with this URL and the method POST; "
        "under Optional settings, the Authorization header scheme Bearer and the secret."
    ),
}
SAMPLES: dict[str, Any] = {
    samples.TRIGGER: gettext_lazy("A new incident (triggered, firing)"),
    samples.RESOLVE: gettext_lazy("Its resolution (resolved, closed)"),
}


def hints_for(kind: str, hints: dict[str, Any]) -> list[tuple[str, Any]]:
    """The hint of ``kind``, or every tool's (labelled) while no tool is chosen."""
    if kind in hints:
        return [("", hints[kind])]
    return [(label, hints[value]) for value, label in Kind.choices]


class IntegrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Sending tool"), choices=[("", "—"), *Kind.choices])
    team = RowChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.all(),
        help_text=gettext_lazy("The incidents it opens belong to this team."),
    )
    default_severity = RowChoiceField(
        label=gettext_lazy("Default severity"),
        queryset=Severity.objects.all(),
        help_text=gettext_lazy("When no row of the severity mapping matches."),
    )
    owner_rule = forms.ChoiceField(
        label=gettext_lazy("Postmortem owner"),
        choices=OwnerRule.choices,
        help_text=gettext_lazy(
            "Who owns the postmortem Hansei drafts when an incident it opened is resolved "
            "and needs one."
        ),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        help_text=gettext_lazy("Turned off, its address answers 410 and opens nothing."),
    )
    secret = forms.CharField(
        label=gettext_lazy("Replace the secret"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Empty keeps the current secret. PagerDuty makes its own: paste the signing "
            "secret PagerDuty shows for the webhook."
        ),
    )


class TestEventForm(forms.Form):
    sample = forms.ChoiceField(
        label=gettext_lazy("Sample"), choices=list(SAMPLES.items()), required=False
    )


def hook_url(integration: Integration) -> str:
    """The address to paste into the sending tool."""
    return absolute_url(reverse("integrations:receive", args=[integration.kind, integration.token]))


def _with_last_delivery(integrations: QuerySet[Integration]) -> QuerySet[Integration]:
    latest = Delivery.objects.filter(integration=OuterRef("pk")).order_by("-received_at", "-id")
    return integrations.select_related("team").annotate(
        last_received_at=Subquery(latest.values("received_at")[:1]),
        last_outcome=Subquery(latest.values("outcome")[:1]),
        last_status=Subquery(latest.values("status_code")[:1]),
        last_reason=Subquery(latest.values("reason")[:1]),
    )


@login_required
def integrations(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    outcomes = dict(Outcome.choices)
    rows = [
        {
            "integration": integration,
            "url": hook_url(integration),
            "outcome": outcomes.get(integration.last_outcome or "", ""),  # type: ignore[attr-defined]
        }
        for integration in _with_last_delivery(Integration.objects.all())
    ]
    return render(request, "administration/integrations.html", {"rows": rows})


# --- the settings page ------------------------------------------------------------------------


def _initial(integration: Integration | None) -> dict[str, Any]:
    if integration is None:
        return {"is_active": True, "default_severity": Severity.objects.order_by("-level").first()}
    return {
        "name": integration.name,
        "kind": integration.kind,
        "team": integration.team_id,
        "default_severity": integration.default_severity_id,
        "owner_rule": integration.owner_rule,
        "is_active": integration.is_active,
    }


def _saved_rows(integration: Integration | None) -> dict[str, list[tuple[str, str]]]:
    def rows_of(mapping: object) -> list[tuple[str, str]]:
        return [(str(k), str(v)) for k, v in mapping.items()] if isinstance(mapping, dict) else []

    if integration is None:
        return {"severity": [], "service": []}
    return {
        "severity": rows_of(integration.severity_mapping),
        "service": rows_of(integration.service_mapping),
    }


def _posted_rows(post: QueryDict, prefix: str, target: str) -> list[tuple[str, str]]:
    """One mapping editor's rows as sent, without those ticked for removal. ValidationError
    when the hidden count is not a number or more than the page ever shows."""
    count = post.get(f"{prefix}_rows", "0")
    if not (count.isascii() and count.isdigit()):
        raise ValidationError(_("The rows did not arrive whole: reload the page."))
    if int(count) > MAX_POSTED_ROWS:
        raise ValidationError(_("At most %(n)s rows.") % {"n": setup.MAX_ROWS})
    rows = []
    for index in range(int(count)):
        if post.get(f"{prefix}-{index}-remove"):
            continue
        value = post.get(f"{prefix}-{index}-value", "")
        rows.append((value, post.get(f"{prefix}-{index}-{target}", "")))
    return rows


def _read_rows(post: QueryDict) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
    rows: dict[str, list[tuple[str, str]]] = {}
    errors: dict[str, list[str]] = {}
    for prefix, target in EDITORS.items():
        try:
            rows[prefix] = _posted_rows(post, prefix, target)
        except ValidationError as error:
            rows[prefix], errors[f"{prefix}_rows"] = [], error.messages
    return rows, errors


def _apply_errors(form: forms.Form, error: ValidationError) -> dict[str, list[str]]:
    """The service's refusal: field errors on the form, row errors returned by editor."""
    found = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    row_errors: dict[str, list[str]] = {}
    for key, messages_ in found.items():
        if key in ("severity_rows", "service_rows"):
            row_errors[key] = messages_
        else:
            form.add_error(key if key in form.fields else None, messages_)
    return row_errors


def _editor_rows(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Rows to show: those typed (blank ones dropped), then empty ones to add more."""
    shown = [(value, target) for value, target in rows if value.strip() or target.strip()]
    shown += [("", "")] * EXTRA_ROWS
    return [{"value": value, "target": target} for value, target in shown]


def _render_form(
    request: AuthedRequest,
    integration: Integration | None,
    form: IntegrationForm,
    rows: dict[str, list[tuple[str, str]]],
    *,
    row_errors: dict[str, list[str]] | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    kind = str(form["kind"].value() or "")
    context = {
        "form": form,
        "integration": integration,
        "severity_rows": _editor_rows(rows["severity"]),
        "service_rows": _editor_rows(rows["service"]),
        "row_errors": row_errors or {},
        "severity_choices": [(str(s.level), s.name) for s in Severity.objects.all()],
        "service_choices": [(s.slug, s.name) for s in Service.objects.all()],
        "severity_hints": hints_for(kind, SEVERITY),
        "service_hints": hints_for(kind, SERVICE),
        "max_chars": setup.MAX_VALUE_CHARS,
        "test_form": extra.pop("test_form", None) or TestEventForm(),
        **extra,
    }
    if integration is not None:
        context["hook_url"] = hook_url(integration)
        context["paste_hint"] = PASTE.get(integration.kind, "")
        context["deliveries"] = integration.deliveries.select_related("incident")[
            :RECENT_DELIVERIES
        ]
    return render(request, "administration/integration_form.html", context, status=status)


def _edit(request: AuthedRequest, current: Integration | None) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    form = IntegrationForm(posted, initial=_initial(current))
    rows = _saved_rows(current)
    row_errors: dict[str, list[str]] = {}
    if posted is not None:
        rows, row_errors = _read_rows(posted)
        if form.is_valid() and not row_errors:
            try:
                saved = setup.save_integration(
                    actor=request.user,
                    integration=current,
                    severity_rows=rows["severity"],
                    service_rows=rows["service"],
                    **form.cleaned_data,
                )
            except ValidationError as error:
                row_errors = _apply_errors(form, error)
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
                return redirect("administration:integration", pk=saved.pk)
    status = 400 if form.errors or row_errors else 200
    return _render_form(request, current, form, rows, row_errors=row_errors, status=status)


@login_required
def integration_new(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    return _edit(request, None)


@login_required
def integration(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    return _edit(request, get_object_or_404(Integration, pk=pk))


# --- actions ----------------------------------------------------------------------------------


def _page_of(integration: Integration, anchor: str) -> str:
    return f"{reverse('administration:integration', args=[integration.pk])}#{anchor}"


def _send_for_real(request: AuthedRequest, current: Integration) -> HttpResponse:
    answer = setup.send_test_event(actor=request.user, integration=current)
    if answer.outcome == Outcome.ACCEPTED and answer.incident_id:
        messages.success(
            request,
            _(
                "Sent for real: %(tool)s's sample went through the intake and opened this test "
                "incident. Delete it when you are done (at the bottom of this page)."
            )
            % {"tool": current.get_kind_display()},
        )
        return redirect("incidents:detail", pk=answer.incident_id)
    messages.error(
        request,
        _("Sent for real: the intake refused it (%(status)s): %(detail)s")
        % {"status": answer.status, "detail": answer.detail},
    )
    return redirect(_page_of(current, "test-event"))


@login_required
@require_POST
def integration_test(request: AuthedRequest, pk: int) -> HttpResponse:
    """The dry run (the page with its result), or with ``send=real`` the real delivery."""
    access.require(access.can_administer(request.user))
    current = get_object_or_404(Integration, pk=pk)
    if request.POST.get("send") == "real":
        return _send_for_real(request, current)
    test_form = TestEventForm(request.POST)
    form = IntegrationForm(initial=_initial(current))
    if not test_form.is_valid():
        rows = _saved_rows(current)
        return _render_form(request, current, form, rows, test_form=test_form, status=400)
    result = setup.dry_run_integration(
        actor=request.user,
        integration=current,
        sample=test_form.cleaned_data["sample"] or samples.TRIGGER,
    )
    return _render_form(
        request, current, form, _saved_rows(current), test_form=test_form, dry_run=result
    )


@login_required
@require_POST
def integration_rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    current = get_object_or_404(Integration, pk=pk)
    setup.rotate_integration_secret(actor=request.user, integration=current)
    messages.success(
        request,
        _("New address and secret: paste both into %(tool)s. The old address no longer works.")
        % {"tool": current.get_kind_display()},
    )
    return redirect(_page_of(current, "address"))
