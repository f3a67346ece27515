"""What people do with trackers: set one up for a team, create an item's issue in one click,
link an existing issue by its URL, unlink it. Each is one transaction; the calls to the
tracker run later in the worker (``sync.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.action_items.models import ActionItem
from hansei.core import audit
from hansei.core.errors import InvalidState
from hansei.integrations.trackers import sync
from hansei.integrations.trackers.models import (
    AutoCreate,
    LinkState,
    TrackerConfig,
    TrackerKind,
    TrackerLink,
)
from hansei.integrations.trackers.registry import tracker_for

CONNECTION_FIELDS = ("kind", "base_url", "account", "token_variable")


@dataclass
class TrackerInput:
    kind: str
    base_url: str
    token_variable: str
    project: str
    account: str = ""
    issue_type: str = ""
    priority_mapping: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    done_states: list[str] = field(default_factory=list)
    wont_do_states: list[str] = field(default_factory=list)
    auto_create: str = AutoCreate.MANUAL
    webhook_secret: str = ""
    is_active: bool = True


@transaction.atomic
def save_tracker(*, actor: User, team: Team, data: TrackerInput) -> TrackerConfig:
    """Set up or change ``team``'s tracker. Leads change the mapping; only admins change the
    connection (which tracker, where, with which token)."""
    access.require(access.can_configure_tracker(actor, team))
    config = TrackerConfig.objects.select_for_update().filter(team=team).first()
    is_new = config is None
    config = config or TrackerConfig(team=team)
    before = {name: getattr(config, name) for name in vars(data) if name != "webhook_secret"}
    for name in CONNECTION_FIELDS:
        if getattr(config, name) != getattr(data, name):
            access.require(
                access.can_connect_tracker(actor),
                _("Only an admin chooses the tracker, its address and its token."),
            )
    for name, value in vars(data).items():
        if name == "webhook_secret" and not str(value).strip():
            continue  # left empty: keep the one there is (or the generated one)
        setattr(config, name, value)
    if data.kind not in TrackerKind.values:
        raise ValidationError({"kind": _("Choose a tracker.")})
    config.full_clean(exclude=["team", "webhook_token"])
    config.save()
    after = {name: getattr(config, name) for name in before}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v and not is_new}
    if data.webhook_secret.strip():
        changes["webhook_secret"] = ["…", "…"]  # that it changed, never the secret
    audit.record(
        "tracker.created" if is_new else "tracker.changed",
        actor=actor,
        target=config,
        changes=changes,
    )
    return config


def _config_for(item: ActionItem) -> TrackerConfig:
    config = TrackerConfig.objects.filter(team_id=item.postmortem.team_id).first()
    if config is None:
        raise InvalidState(_("This team has no tracker set up."))
    if not config.is_active:
        raise InvalidState(_("This team's tracker is turned off."))
    return config


@transaction.atomic
def request_issue(*, actor: User, item: ActionItem) -> TrackerLink:
    """Create the item's issue in its team's tracker (the worker sends the request)."""
    access.require(access.can_update_action_item(actor, item))
    config = _config_for(item)
    return _start_creating(item, config)


def _start_creating(item: ActionItem, config: TrackerConfig) -> TrackerLink:
    ActionItem.objects.select_for_update().filter(pk=item.pk).first()
    link = TrackerLink.objects.filter(item=item).first()
    if link is not None and link.state != LinkState.FAILED:
        raise InvalidState(_("This action item already has a tracker issue."))
    if link is not None:
        link.delete()  # a failed attempt: start again
    link = TrackerLink.objects.create(item=item, config=config, kind=config.kind)
    sync.queue_create(link)
    return link


@transaction.atomic
def link_issue(*, actor: User, item: ActionItem, url: str) -> TrackerLink:
    """Link an issue that exists already, by its URL; its state is read in the worker."""
    access.require(access.can_update_action_item(actor, item))
    config = _config_for(item)
    url = url.strip()
    remote_id = tracker_for(config.kind).ref_from_url(config, url) if len(url) <= 500 else None
    if not remote_id:
        raise ValidationError(
            {
                "url": _("Paste the address of an issue of %(project)s in %(tracker)s.")
                % {"project": config.project, "tracker": config.get_kind_display()}
            }
        )
    ActionItem.objects.select_for_update().filter(pk=item.pk).first()
    if TrackerLink.objects.filter(item=item).exclude(state=LinkState.FAILED).exists():
        raise InvalidState(_("This action item already has a tracker issue."))
    taken = TrackerLink.objects.filter(config=config, remote_id=remote_id).first()
    if taken is not None:
        raise ValidationError(
            {
                "url": _("That issue is already linked to another action item (#%(id)s).")
                % {"id": taken.item_id}
            }
        )
    TrackerLink.objects.filter(item=item).delete()
    link = TrackerLink.objects.create(
        item=item,
        config=config,
        kind=config.kind,
        state=LinkState.LINKED,
        remote_id=remote_id,
        url=url,
    )
    if not item.tracking_url:
        item.tracking_url = url
        item.save(update_fields=["tracking_url"])
    sync.queue_fetch(link)
    return link


@transaction.atomic
def unlink_issue(*, actor: User, item: ActionItem) -> None:
    """Stop syncing the item with its issue (the issue itself is left as it is)."""
    access.require(access.can_update_action_item(actor, item))
    TrackerLink.objects.filter(item=item).delete()


# --- what happens by itself -------------------------------------------------------------------


def create_automatically(item: ActionItem, *, moment: str) -> None:
    """Create the issue if the team asked for it at this ``moment`` (an AutoCreate value)."""
    config = TrackerConfig.objects.filter(team_id=item.postmortem.team_id, is_active=True).first()
    if config is None or config.auto_create != moment or item.status not in ("open", "in_progress"):
        return
    if TrackerLink.objects.filter(item=item).exists():
        return
    _start_creating(item, config)
