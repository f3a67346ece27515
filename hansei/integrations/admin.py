"""Admin pages: configure integrations (shows the URL and secret to paste into the sending
tool), browse the delivery log, read-only, and configure the chat channels and webhooks
announcements go to, with their delivery status. The admin site is for admins only."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hansei.accounts.models import User
from hansei.core.admin import AuditedAdmin, ReadOnlyAdminMixin, RowChoicesAdmin
from hansei.core.http import absolute_url
from hansei.incidents.models import Service, Severity
from hansei.integrations.chat.services import send_test_messages
from hansei.integrations.models import (
    ChatEvent,
    ChatRoute,
    Delivery,
    Integration,
    default_chat_events,
)


def hook_url(integration: Integration) -> str:
    path = reverse("integrations:receive", args=[integration.kind, integration.token])
    return absolute_url(path)


class IntegrationForm(forms.ModelForm):
    class Meta:
        model = Integration
        fields = [
            "name",
            "kind",
            "team",
            "is_active",
            "token",
            "secret",
            "default_severity",
            "severity_mapping",
            "service_mapping",
            "owner_rule",
        ]
        widgets = {"secret": forms.TextInput(attrs={"size": 60, "autocomplete": "off"})}

    def clean_severity_mapping(self) -> dict[str, Any]:
        mapping = self.cleaned_data.get("severity_mapping") or {}
        if not isinstance(mapping, dict):
            raise forms.ValidationError(_('Expected an object: {"P1": 1, "critical": 1}.'))
        levels = set(Severity.objects.values_list("level", flat=True))
        for label, level in mapping.items():
            if not isinstance(level, int) or level not in levels:
                raise forms.ValidationError(
                    _("%(label)s: %(level)s is not a severity level (known: %(levels)s).")
                    % {"label": label, "level": level, "levels": sorted(levels)}
                )
        return mapping

    def clean_service_mapping(self) -> dict[str, Any]:
        mapping = self.cleaned_data.get("service_mapping") or {}
        if not isinstance(mapping, dict):
            raise forms.ValidationError(_('Expected an object: {"PF9KMXH": "checkout"}.'))
        slugs = set(Service.objects.values_list("slug", flat=True))
        unknown = sorted(str(v) for v in mapping.values() if v not in slugs)
        if unknown:
            raise forms.ValidationError(
                _("Unknown service slugs: %(slugs)s.") % {"slugs": ", ".join(unknown)}
            )
        return mapping


@admin.register(Integration)
class IntegrationAdmin(AuditedAdmin):
    audit_name = "integration"
    audit_secrets = frozenset({"secret", "token"})
    form = IntegrationForm
    list_display = ["name", "kind", "team", "is_active", "url_to_paste"]
    list_filter = ["kind", "team", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["url_to_paste", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "team", "is_active"]}),
        (
            gettext_lazy("What to paste into the sending tool"),
            {"fields": ["url_to_paste", "token", "secret"]},
        ),
        (
            gettext_lazy("Mapping"),
            {"fields": ["default_severity", "severity_mapping", "service_mapping", "owner_rule"]},
        ),
        (None, {"fields": ["created_at"]}),
    ]

    @admin.display(description=gettext_lazy("URL to paste"))
    def url_to_paste(self, obj: Integration) -> str:
        if not obj.pk:
            return _("Shown once the integration is saved.")
        return format_html("<code>{}</code>", hook_url(obj))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, RowChoicesAdmin, admin.ModelAdmin):
    list_display = [
        "received_at",
        "integration",
        "kind",
        "outcome",
        "status_code",
        "event_type",
        "external_id",
        "reason",
    ]
    list_filter = ["integration", "outcome", "kind", "status_code"]
    search_fields = ["reason", "external_id", "event_key"]
    date_hierarchy = "received_at"
    list_select_related = ["integration"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Delivery._meta.fields]


class ChatRouteForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Announce"),
        choices=ChatEvent.choices,
        initial=default_chat_events,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChatRoute
        fields = ["name", "kind", "team", "target", "events", "max_severity", "is_active", "secret"]
        widgets = {
            "target": forms.TextInput(attrs={"size": 80, "autocomplete": "off"}),
            "secret": forms.TextInput(attrs={"size": 60, "autocomplete": "off"}),
        }


@admin.register(ChatRoute)
class ChatRouteAdmin(AuditedAdmin):
    audit_name = "chat_route"
    # A webhook URL is a credential: anyone holding it can post to the channel.
    audit_secrets = frozenset({"secret", "target"})
    form = ChatRouteForm
    list_display = ["name", "kind", "for_team", "announces", "is_active", "status"]
    list_filter = ["kind", "team", "is_active"]
    search_fields = ["name", "last_error"]
    list_select_related = ["team"]
    readonly_fields = ["status", "last_delivered_at", "last_error", "last_error_at", "created_at"]
    actions = ["send_test_message"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "team", "target", "is_active"]}),
        (gettext_lazy("What to announce"), {"fields": ["events", "max_severity"]}),
        (
            gettext_lazy("Secret (webhook signing key, or a Slack bot token)"),
            {"fields": ["secret"]},
        ),
        (
            gettext_lazy("Delivery"),
            {"fields": ["status", "last_delivered_at", "last_error", "last_error_at"]},
        ),
        (None, {"fields": ["created_at"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """A route not saved yet has no delivery status to show."""
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:3]

    @admin.display(description=gettext_lazy("Team"), ordering="team__name")
    def for_team(self, obj: ChatRoute) -> str:
        return obj.team.name if obj.team else _("Every team")

    @admin.display(description=gettext_lazy("Announces"))
    def announces(self, obj: ChatRoute) -> str:
        labels = dict(ChatEvent.choices)
        return ", ".join(str(labels.get(event, event)) for event in obj.events or [])

    @admin.display(description=gettext_lazy("Status"))
    def status(self, obj: ChatRoute) -> str:
        if obj.is_failing and obj.last_error_at is not None:
            return format_html(
                '<span class="errornote">{}</span>',
                _("Failing since %(when)s ago: %(reason)s")
                % {"when": timesince(obj.last_error_at), "reason": obj.last_error},
            )
        if obj.last_delivered_at is not None:
            return _("Delivered %(when)s ago") % {"when": timesince(obj.last_delivered_at)}
        return _("Nothing sent yet")

    @admin.action(description=gettext_lazy("Send a test message"))
    def send_test_message(self, request: HttpRequest, queryset: QuerySet[ChatRoute]) -> None:
        """Through the same job as announcements: a wrong token or a dead URL shows up as the
        route's last error once the worker has tried."""
        admin_user = cast(User, request.user)  # the admin site lets only admins in
        queued = send_test_messages(actor=admin_user, routes=list(queryset))
        count = len(queued)
        self.message_user(
            request,
            ngettext(
                "%d test message queued: the route's status shows how it went.",
                "%d test messages queued: each route's status shows how it went.",
                count,
            )
            % count,
        )
