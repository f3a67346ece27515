"""The form of a team's tracker page: lists as comma-separated names, priorities one field
each. Connection fields are shown read-only to team leads (only admins change them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hansei.action_items.models import Priority
from hansei.integrations.trackers.models import AutoCreate, TrackerConfig, TrackerKind
from hansei.integrations.trackers.registry import tracker_for
from hansei.integrations.trackers.services import CONNECTION_FIELDS, TrackerInput

MAX_NAMES = 50


def names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class NamesField(forms.CharField):
    """Comma-separated names: "Done, Closed"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        found = names(super().clean(value) or "")
        if len(found) > MAX_NAMES:
            raise forms.ValidationError(_("At most 50 names."))
        if any(len(name) > 100 for name in found):
            raise forms.ValidationError(_("Each name at most 100 characters."))
        return found


class TrackerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tracker"), choices=TrackerKind.choices)
    base_url = forms.CharField(
        label=_("API address"),
        max_length=300,
        help_text=TrackerConfig._meta.get_field("base_url").help_text,
    )
    account = forms.CharField(
        label=_("Account e-mail"),
        max_length=254,
        required=False,
        help_text=TrackerConfig._meta.get_field("account").help_text,
    )
    token_variable = forms.CharField(
        label=_("Token variable"),
        max_length=80,
        help_text=TrackerConfig._meta.get_field("token_variable").help_text,
    )
    project = forms.CharField(
        label=_("Project"),
        max_length=200,
        help_text=TrackerConfig._meta.get_field("project").help_text,
    )
    issue_type = forms.CharField(
        label=_("Issue type"),
        max_length=100,
        required=False,
        help_text=_("Jira only (Task, Bug…)."),
    )
    p0 = forms.CharField(label="P0", max_length=100, required=False)
    p1 = forms.CharField(label="P1", max_length=100, required=False)
    p2 = forms.CharField(label="P2", max_length=100, required=False)
    p3 = forms.CharField(label="P3", max_length=100, required=False)
    labels = NamesField(label=_("Labels on every issue"), help_text=_("Comma-separated."))
    done_states = NamesField(
        label=_("States meaning done"), help_text=_("Comma-separated, as the tracker names them.")
    )
    wont_do_states = NamesField(
        label=_("States meaning won't do"),
        help_text=_("Comma-separated, as the tracker names them."),
    )
    auto_create = forms.ChoiceField(label=_("Create issues"), choices=AutoCreate.choices)
    webhook_secret = forms.CharField(
        label=_("Webhook secret"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Linear: paste the signing secret Linear shows. Others: leave empty to keep the "
            "one Hansei made, shown above."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, can_connect: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_connect:
            for name in CONNECTION_FIELDS:
                self.fields[name].disabled = True

    @staticmethod
    def initial_for(config: TrackerConfig | None, kind: str = TrackerKind.GITHUB) -> dict[str, Any]:
        if config is None:
            defaults = tracker_for(kind).defaults
            mapping = dict(defaults.priority_mapping)
            values: dict[str, Any] = {
                "kind": kind,
                "base_url": defaults.base_url,
                "token_variable": defaults.token_variable,
                "done_states": ", ".join(defaults.done_states),
                "wont_do_states": ", ".join(defaults.wont_do_states),
                "auto_create": AutoCreate.MANUAL,
                "is_active": True,
            }
        else:
            mapping = config.priority_mapping or {}
            values = {
                name: getattr(config, name)
                for name in (
                    "kind",
                    "base_url",
                    "account",
                    "token_variable",
                    "project",
                    "issue_type",
                    "auto_create",
                    "is_active",
                )
            }
            for name in ("labels", "done_states", "wont_do_states"):
                values[name] = ", ".join(getattr(config, name) or [])
        for priority in Priority.values:
            values[priority.lower()] = mapping.get(priority, "")
        return values

    def to_input(self) -> TrackerInput:
        data = self.cleaned_data
        mapping = {p: data[p.lower()].strip() for p in Priority.values if data[p.lower()].strip()}
        return TrackerInput(
            kind=data["kind"],
            base_url=data["base_url"],
            account=data.get("account", ""),
            token_variable=data["token_variable"],
            project=data["project"],
            issue_type=data["issue_type"],
            priority_mapping=mapping,
            labels=data["labels"],
            done_states=data["done_states"],
            wont_do_states=data["wont_do_states"],
            auto_create=data["auto_create"],
            webhook_secret=data["webhook_secret"],
            is_active=data["is_active"],
        )


class LinkIssueForm(forms.Form):
    url = forms.CharField(label=_("Issue address"), max_length=500)
