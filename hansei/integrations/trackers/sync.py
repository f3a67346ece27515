"""Keeping an action item and its tracker issue alike, both ways.

**The conflict rule.** Each link keeps what both sides last agreed on (``synced``: title,
status, due date, assignee). When the tracker reports the issue, field by field:

* changed in the tracker only: the tracker's value is taken;
* changed in Hansei only: Hansei's value is kept, and pushed to the tracker;
* changed on both sides since they last agreed: the later change wins, by the tracker's
  ``updated`` time against the time of Hansei's last change; without both times, or at the
  same instant, the tracker wins (it is where the work is done). Every conflict is written
  to the sync log with the value that lost.

The assignee only comes back (a Hansei owner is not a tracker account): a new assignee who is
a Hansei user (same e-mail, else a name only one person has) becomes the owner.

Calls to the tracker run in the worker (``trackers.create``, ``trackers.push``,
``trackers.fetch`` jobs): a tracker that is down delays them, the queue retries with backoff,
and nothing is lost. Each call sends the item as it is when the call runs, so a retry or a
late push never sends an old value.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from hansei.action_items.models import ActionItem
from hansei.action_items.services import TrackerUpdate, apply_tracker_update
from hansei.core.audit import storable
from hansei.core.http import absolute_url
from hansei.core.jobs import PermanentJobError, enqueue
from hansei.core.models import Job
from hansei.integrations.services import user_for
from hansei.integrations.trackers.models import (
    Direction,
    LinkState,
    SyncOutcome,
    TrackerConfig,
    TrackerEvent,
    TrackerLink,
)
from hansei.integrations.trackers.protocol import (
    IN_PROGRESS,
    OPEN,
    IssueChange,
    NewIssue,
    Person,
    RemoteIssue,
    status_of,
)
from hansei.integrations.trackers.registry import tracker_for
from hansei.integrations.transport import TransportError

log = logging.getLogger(__name__)

FIELDS = ("title", "status", "due_date")


# --- what each side has ----------------------------------------------------------------------


def local_values(item: ActionItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "status": item.status,
        "due_date": item.due_date.isoformat() if item.due_date else None,
    }


def remote_values(config: TrackerConfig | None, remote: RemoteIssue, item: ActionItem) -> dict:
    status = status_of(config, remote)
    if status == OPEN and item.status == IN_PROGRESS and remote.category == "open":
        # A tracker without an "in progress" state (GitHub, GitLab) shows it as open.
        status = IN_PROGRESS
    return {
        "title": " ".join(remote.title.split())[:300],
        "status": status,
        "due_date": remote.due_date.isoformat() if remote.due_date else None,
    }


def web_address(url: str) -> str:
    """The issue's address if it is a plain http(s) link of a size we keep; else nothing (a
    tracker, or someone who can post to its webhook, never puts a ``javascript:`` link on
    Hansei's pages)."""
    url = url.strip()
    if len(url) > 500:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def person_key(person: Person | None) -> str:
    if person is None:
        return ""
    return (person.email or person.name).strip().lower()


# --- the log ------------------------------------------------------------------------------


def write_log(
    *,
    config: TrackerConfig | None,
    kind: str,
    direction: str,
    action: str,
    outcome: str,
    detail: str,
    item: ActionItem | None = None,
    status_code: int | None = None,
    event_key: str = "",
    body: bytes = b"",
    remote_addr: str | None = None,
) -> TrackerEvent:
    excerpt = storable(body[:4096].decode("utf-8", "replace"))
    if config is not None and config.webhook_secret:
        excerpt = excerpt.replace(config.webhook_secret, "[secret]")
    return TrackerEvent.objects.create(
        config=config,
        item=item,
        kind=storable(kind)[:20],
        direction=direction,
        action=storable(action)[:100],
        outcome=outcome,
        status_code=status_code,
        detail=storable(detail)[:500],
        event_key=storable(event_key)[:200],
        body_excerpt=excerpt,
        remote_addr=remote_addr,
    )


# --- from the tracker -----------------------------------------------------------------------


def apply_remote(link: TrackerLink, remote: RemoteIssue) -> list[str]:
    """Merge the issue as the tracker has it into the item (the conflict rule above); what
    happened, one line per field, for the log. Pushes what Hansei keeps."""
    item = ActionItem.objects.select_for_update().get(pk=link.item_id)
    config = link.config
    mine, theirs = local_values(item), remote_values(config, remote, item)
    agreed = dict(link.synced or {})
    taken: dict[str, Any] = {}
    notes: list[str] = []
    for name in FIELDS:
        if name in remote.missing:
            continue
        ours, new, before = mine[name], theirs[name], agreed.get(name, object())
        if new == ours:
            agreed[name] = new
        elif ours == before or name not in agreed:
            taken[name] = new
            notes.append(f"{name}: {ours!r} → {new!r}")
        elif new == before:
            notes.append(f"{name}: Hansei's {ours!r} kept (changed in Hansei only)")
        elif _hansei_is_later(link, remote):
            notes.append(f"{name}: conflict, Hansei's later {ours!r} kept over {new!r}")
        else:
            taken[name] = new
            notes.append(f"{name}: conflict, the tracker's {new!r} taken over {ours!r}")
    owner = None
    if "assignee" not in remote.missing:
        assignee = person_key(remote.assignee)
        if assignee and assignee != agreed.get("assignee"):
            owner = user_for(remote.assignee)
            if owner is not None and owner.pk != item.owner_id:
                notes.append(f"owner: {owner.name}")
        agreed["assignee"] = assignee
    agreed.update(taken)
    # The link first: the item's change below is then recognised as the tracker's own and
    # not pushed back.
    link.synced = agreed
    link.remote_state = remote.state[:100]
    link.key = remote.key[:200] or link.key
    link.url = web_address(remote.url) or link.url
    link.remote_updated_at = remote.updated_at or link.remote_updated_at
    link.synced_at = timezone.now()
    link.last_error = ""
    link.save()
    if taken or owner is not None:
        apply_tracker_update(
            item=item,
            update=TrackerUpdate(
                tracker=link.get_kind_display(),
                title=taken.get("title"),
                status=taken.get("status"),
                due_date=parse_date(taken["due_date"]) if taken.get("due_date") else None,
                clear_due_date="due_date" in taken and taken["due_date"] is None,
                owner=owner,
            ),
        )
    if local_values(item) != {name: agreed.get(name) for name in FIELDS}:
        queue_push(link)
    return notes or [_("nothing changed")]


def _hansei_is_later(link: TrackerLink, remote: RemoteIssue) -> bool:
    if link.local_changed_at is None or remote.updated_at is None:
        return False
    return link.local_changed_at > remote.updated_at


# --- to the tracker -------------------------------------------------------------------------


def queue_create(link: TrackerLink) -> None:
    enqueue("trackers.create", {"link": link.pk}, key=f"tracker:create:{link.pk}")


def queue_fetch(link: TrackerLink) -> None:
    enqueue("trackers.fetch", {"link": link.pk}, key=f"tracker:fetch:{link.pk}:{timezone.now()}")


def queue_push(link: TrackerLink) -> None:
    enqueue("trackers.push", {"link": link.pk}, key=f"tracker:push:{link.pk}:{timezone.now()}")


def new_issue_of(item: ActionItem, config: TrackerConfig) -> NewIssue:
    postmortem = item.postmortem
    backlink = absolute_url(reverse("postmortems:detail", args=[postmortem.pk]))
    about = postmortem.title if not postmortem.restricted else _("a restricted postmortem")
    lines = [
        _("Action item from the postmortem “%(title)s”.") % {"title": about},
        "",
        f"- {_('Type')}: {item.get_kind_display()}",
        f"- {_('Priority')}: {item.priority}",
    ]
    if item.owner is not None:
        lines.append(f"- {_('Owner in Hansei')}: {item.owner.name}")
    lines += [
        "",
        f"{_('Postmortem')}: {backlink}",
        f"{_('In Hansei')}: {absolute_url(reverse('action_items:edit', args=[item.pk]))}",
    ]
    return NewIssue(
        title=item.title,
        description="\n".join(lines),
        priority=item.priority,
        kind=item.kind,
        due_date=item.due_date,
        backlink=backlink,
        labels=tuple(config.labels or ()),
    )


def _link_for_job(payload: dict[str, Any]) -> TrackerLink | None:
    link_id = payload.get("link")
    if not isinstance(link_id, int):
        return None
    related = ("config", "item", "item__postmortem", "item__owner")
    return TrackerLink.objects.select_related(*related).filter(pk=link_id).first()


ACTIONS = {"trackers.create": "create", "trackers.push": "update", "trackers.fetch": "fetch"}


def record_failure(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """After the queue saved a failed attempt of a tracker job (the job's own transaction
    rolled back): the sync log, the link and the configuration show its reason."""
    action = ACTIONS.get(instance.kind)
    if action is None or not instance.last_error or (instance.finished_at and not instance.failed):
        return
    link = _link_for_job(instance.payload if isinstance(instance.payload, dict) else {})
    if link is None:
        return
    # The queue writes "<exception class>: <message>"; the log shows the message.
    reason = instance.last_error.partition(": ")[2] or instance.last_error
    write_log(
        config=link.config,
        kind=link.kind,
        direction=Direction.OUT,
        action=action,
        outcome=SyncOutcome.GAVE_UP if instance.failed else SyncOutcome.FAILED,
        detail=reason,
        item=link.item,
    )
    link.last_error = reason[:500]
    if action == "create" and instance.failed:
        link.state = LinkState.FAILED
    link.save(update_fields=["last_error", "state"])
    if link.config is not None:
        link.config.record_error(reason)


def create_issue(payload: dict[str, Any]) -> None:
    """The ``trackers.create`` job: create the issue, once."""
    link = _link_for_job(payload)
    if link is None or link.state != LinkState.CREATING or link.config is None:
        return
    config = link.config
    if not config.is_active:
        raise PermanentJobError(_("the tracker is turned off"))
    try:
        remote = tracker_for(config.kind).create_issue(config, new_issue_of(link.item, config))
    except TransportError as error:
        raise error.for_the_queue() from error
    with transaction.atomic():
        link = TrackerLink.objects.select_for_update().get(pk=link.pk)
        link.state = LinkState.LINKED
        link.remote_id = remote.remote_id[:200]
        link.key = remote.key[:200]
        link.url = web_address(remote.url)
        item = ActionItem.objects.select_for_update().get(pk=link.item_id)
        link.synced = {**local_values(item), "assignee": person_key(remote.assignee)}
        # What the tracker made of it (a state, a title cut short) is read back in.
        link.synced.update({"title": remote_values(config, remote, item)["title"]})
        link.remote_state = remote.state[:100]
        link.remote_updated_at = remote.updated_at
        link.synced_at = timezone.now()
        link.last_error = ""
        link.save()
        if not item.tracking_url and link.url:
            item.tracking_url = link.url
            item.save(update_fields=["tracking_url"])
        write_log(
            config=config,
            kind=link.kind,
            direction=Direction.OUT,
            action="create",
            outcome=SyncOutcome.ACCEPTED,
            detail=_("Created %(key)s.") % {"key": link.key},
            item=item,
        )
        config.record_success()
        if local_values(item) != {name: link.synced.get(name) for name in FIELDS}:
            queue_push(link)  # changed in Hansei while the issue was being created


def push_changes(payload: dict[str, Any]) -> None:
    """The ``trackers.push`` job: send what changed in Hansei since both sides agreed."""
    link = _link_for_job(payload)
    if link is None or link.state != LinkState.LINKED or link.config is None:
        return
    config, item = link.config, link.item
    if not config.is_active:
        return
    mine, agreed = local_values(item), link.synced or {}
    change = IssueChange(
        title=mine["title"] if mine["title"] != agreed.get("title") else None,
        status=mine["status"] if mine["status"] != agreed.get("status") else None,
        due_date=item.due_date if mine["due_date"] != agreed.get("due_date") else None,
        clear_due_date=mine["due_date"] is None and agreed.get("due_date") is not None,
    )
    if change.is_empty:
        return
    try:
        remote = tracker_for(config.kind).update_issue(config, link.remote_id, change)
    except TransportError as error:
        raise error.for_the_queue() from error
    with transaction.atomic():
        link = TrackerLink.objects.select_for_update().get(pk=link.pk)
        sent = {k: v for k, v in mine.items() if v != agreed.get(k)}
        link.synced = {**(link.synced or {}), **sent}
        link.remote_state = remote.state[:100]
        link.remote_updated_at = remote.updated_at or link.remote_updated_at
        link.synced_at = timezone.now()
        link.last_error = ""
        link.save()
        write_log(
            config=config,
            kind=link.kind,
            direction=Direction.OUT,
            action="update",
            outcome=SyncOutcome.ACCEPTED,
            detail="; ".join(f"{k}: {v!r}" for k, v in sent.items()),
            item=item,
        )
        config.record_success()


def fetch_issue(payload: dict[str, Any]) -> None:
    """The ``trackers.fetch`` job: read a linked issue and take what the tracker has."""
    link = _link_for_job(payload)
    if link is None or link.state != LinkState.LINKED or link.config is None:
        return
    config = link.config
    try:
        remote = tracker_for(config.kind).fetch_issue(config, link.remote_id)
    except TransportError as error:
        raise error.for_the_queue() from error
    with transaction.atomic():
        # Only the link's row is locked (PostgreSQL locks no nullable side of an outer join).
        locked = TrackerLink.objects.select_for_update(of=("self",)).select_related("config")
        link = locked.get(pk=link.pk)
        notes = apply_remote(link, remote)
        write_log(
            config=config,
            kind=link.kind,
            direction=Direction.IN,
            action="fetch",
            outcome=SyncOutcome.ACCEPTED,
            detail="; ".join(notes),
            item=link.item,
        )
        config.record_success()


def mark_local_change(item: ActionItem) -> None:
    """Called when a person changes a linked item: remember when, and push it."""
    link = TrackerLink.objects.filter(item=item, state=LinkState.LINKED).first()
    if link is None:
        return
    agreed = link.synced or {}
    if local_values(item) == {name: agreed.get(name) for name in FIELDS}:
        return  # the tracker's own change coming back, or nothing the tracker keeps
    link.local_changed_at = timezone.now()
    link.save(update_fields=["local_changed_at"])
    queue_push(link)
