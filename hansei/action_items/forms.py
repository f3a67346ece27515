from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.action_items.models import ActionItem, ActionKind, ActionStatus, Priority
from hansei.action_items.queries import NOBODY, ItemFilter, Nobody
from hansei.action_items.services import ActionItemInput, BulkChange
from hansei.core.forms import DateInput, RowChoiceField, RowsChoiceField
from hansei.incidents.models import Service
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.document.models import Postmortem


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Type"), choices=ActionKind.choices, initial=ActionKind.PREVENT
    )
    owner = RowChoiceField(User.objects.filter(is_active=True), label=_("Owner"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.P2)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN
    )
    wont_do_reason = forms.CharField(
        label=_("Why won't it be done?"), max_length=1000, required=False
    )
    tracking_url = forms.URLField(
        label=_("Tracking issue (link)"), max_length=500, required=False, assume_scheme="https"
    )
    factors = RowsChoiceField(
        ContributingFactorCategory.objects.all(),
        label=_("Contributing factors it addresses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = RowsChoiceField(
        Service.objects.all(),
        label=_("Services it addresses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "When a later postmortem records one of these factors on one of these services, "
            "the fix is marked as not having held."
        ),
    )
    verification = forms.CharField(
        label=_("How to verify it holds"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        item: ActionItem | None = None,
        team: Team | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        team = team or (item.postmortem.team if item is not None else None)
        if team is not None:
            self._owners_by_team(team)
        if item is None:  # the quick add form: what it addresses is set on the item's page
            for name in ("factors", "services", "verification"):
                del self.fields[name]
            return
        postmortem = item.postmortem
        factors = self.fields["factors"]
        services = self.fields["services"]
        assert isinstance(factors, forms.ModelMultipleChoiceField)
        assert isinstance(services, forms.ModelMultipleChoiceField)
        factors.queryset = ContributingFactorCategory.objects.filter(
            Q(is_active=True) | Q(pk__in=item.addresses_factors.values("pk"))
        )
        services.queryset = Service.objects.filter(
            Q(team_id=postmortem.team_id)
            | Q(incidents__postmortem=postmortem)
            | Q(pk__in=item.addresses_services.values("pk"))
        ).distinct()

    def _owners_by_team(self, team: Team) -> None:
        """The postmortem's team first, then everyone else: a fix may belong to another
        team (the database team's), but the list should not start with strangers."""
        people = list(User.objects.filter(is_active=True).order_by("display_name", "username"))
        members = set(team.memberships.values_list("user_id", flat=True))
        ours = [(u.pk, u.name) for u in people if u.pk in members]
        others = [(u.pk, u.name) for u in people if u.pk not in members]
        self.fields["owner"].widget.choices = [
            ("", "—"),
            (team.name, ours),
            (_("Other teams"), others),
        ]

    def to_input(self) -> ActionItemInput:
        data = dict(self.cleaned_data)
        for name in ("factors", "services"):
            if name in data:
                data[name] = list(data[name])
        return ActionItemInput(**data)


ANY = [("", _("Any"))]


class ItemFilterForm(forms.Form):
    """The action items page's filters (GET), also read by its CSV export."""

    team = forms.ChoiceField(label=_("Team"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=ANY + Priority.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            *ANY,
            ("unfinished", _("Not done yet")),
            ("closed", _("Done or won't do")),
            *ActionStatus.choices,
        ],
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Overdue")), ("no", _("Not overdue"))],
    )
    tracker = forms.ChoiceField(
        label=_("Tracker issue"),
        required=False,
        choices=[
            *ANY,
            ("none", _("None")),
            ("linked", _("Linked")),
            ("creating", _("Being created")),
            ("failed", _("Could not be created")),
        ],
    )
    tracker_state = forms.ChoiceField(label=_("Tracker state"), required=False)

    def __init__(
        self, *args: Any, actor: User, teams: list[Team], states: list[str], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "filter_%s")  # the bulk form below uses the same names
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.teams = {team.slug: team for team in teams}
        choice = self._choice
        choice("team").choices = ANY + [(t.slug, t.name) for t in teams]
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        choice("owner").choices = (
            ANY
            + [("me", _("Me")), ("nobody", _("Nobody"))]
            + [(u.username, u.name) for u in people]
        )
        choice("tracker_state").choices = ANY + [(s, s) for s in states]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def to_filter(self) -> ItemFilter:
        data = self.cleaned_data
        owner: User | Nobody | None = None
        if data["owner"] == "me":
            owner = self.actor
        elif data["owner"] == "nobody":
            owner = NOBODY
        elif data["owner"]:
            owner = User.objects.get(username=data["owner"])
        team = self.teams.get(data["team"]) if data["team"] else None
        return ItemFilter(
            team=team.pk if team else None,
            owner=owner,
            priority=data["priority"],
            status=data["status"],
            overdue={"yes": True, "no": False}.get(data["overdue"]),
            tracker=data["tracker"],
            tracker_state=data["tracker_state"],
        )


MAX_BULK = 200


class BulkUpdateForm(forms.Form):
    """Change several items at once: what is left on "keep" stays as each item has it."""

    items = forms.TypedMultipleChoiceField(coerce=int, label=_("Action items"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Keep")), *ActionStatus.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Keep")), *Priority.choices]
    )
    owner = RowChoiceField(
        User.objects.filter(is_active=True),
        label=_("Owner"),
        required=False,
        empty_label=_("Keep"),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)
    wont_do_reason = forms.CharField(
        label=_("Why won't they be done?"), max_length=1000, required=False
    )

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")  # the filters above use the same names
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, str(pk)) for pk in choices]

    def clean_items(self) -> list[int]:
        items: list[int] = self.cleaned_data["items"]
        if len(items) > MAX_BULK:
            raise forms.ValidationError(_("At most 200 items at once."))
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields = ("status", "priority", "owner", "due_date")
        if not self.errors and not any(data.get(name) for name in fields):
            raise forms.ValidationError(_("Choose at least one change."))
        return data

    def to_change(self) -> BulkChange:
        data = self.cleaned_data
        return BulkChange(
            status=data["status"] or None,
            priority=data["priority"] or None,
            owner=data["owner"],
            due_date=data["due_date"],
            wont_do_reason=data["wont_do_reason"],
        )


class ItemChoiceField(RowChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.priority} · {obj.title[:80]} ({obj.postmortem.title[:50]})"


class CarryOverForm(forms.Form):
    """Carry an open item of an earlier postmortem into this one: the team's open items
    and those addressing this postmortem's services, that the person may see."""

    item = ItemChoiceField(ActionItem.objects.none(), label=_("Open item of an earlier postmortem"))

    def __init__(self, *args: Any, user: User, postmortem: Postmortem, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "carry_%s")
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(incidents__postmortem=postmortem)
        candidates = (
            access.action_items_visible_to(user)
            .unfinished()
            .exclude(postmortem=postmortem)
            .exclude(carried_into__postmortem=postmortem)
            .filter(
                Q(postmortem__team_id=postmortem.team_id)
                | Q(addresses_services__in=services.values("pk"))
            )
            .filter(postmortem__created_at__lt=postmortem.created_at)
            .distinct()
            .select_related("postmortem")
            .order_by("priority", "due_date", "id")
        )
        field = self.fields["item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
