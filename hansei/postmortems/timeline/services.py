"""The timeline's automatic and imported entries: incident events copied into the draft, and
chat history imported in one go. Hand-written entries live in ``services``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from hansei.accounts.models import User
from hansei.core import events
from hansei.incidents.history import record_event
from hansei.incidents.models import (
    MILESTONES,
    Incident,
    IncidentEvent,
    IncidentEventKind,
)
from hansei.incidents.services import milestone_event_key
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.events import TIMELINE_CHANGED
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind

MAX_IMPORT_ENTRIES = 2000

# How each kind of incident event reads in a timeline.
EVENT_TIMELINE_KINDS = {
    IncidentEventKind.CREATED: TimelineKind.EVENT,
    IncidentEventKind.MILESTONE: TimelineKind.MILESTONE,
    IncidentEventKind.SEVERITY: TimelineKind.ESCALATION,
    IncidentEventKind.STATUS: TimelineKind.EVENT,
    IncidentEventKind.OWNER: TimelineKind.ESCALATION,
    IncidentEventKind.RESPONDER: TimelineKind.ESCALATION,
    IncidentEventKind.ALERT: TimelineKind.DETECTION,
    IncidentEventKind.NOTE: TimelineKind.EVENT,
}


def event_source(event: IncidentEvent) -> str:
    return f"event:{event.pk}"


def _editable_draft(incident: Incident) -> Postmortem | None:
    # Read the rows again: the caller's incident may not know its postmortem yet, and its
    # cached postmortem may be a stale draft by now.
    postmortem = Postmortem.objects.filter(incidents__pk=incident.pk).first()
    return postmortem if postmortem is not None and postmortem.is_editable else None


def is_milestone_event(event: IncidentEvent) -> bool:
    """Milestone events Hansei keys itself; they are shown one per milestone, kept current."""
    return event.kind == IncidentEventKind.MILESTONE and event.key.startswith("milestone:")


def sync_milestones_to_timeline(*, incident: Incident) -> None:
    """One key timeline entry per milestone the incident has now, from its milestone event
    (recorded here if missing), updated in place when the milestone moves, removed when it
    is cleared. Older drafts' "incident:<id>:<milestone>" entries are taken over."""
    postmortem = _editable_draft(incident)
    if postmortem is None:
        return
    events.emit(TIMELINE_CHANGED, postmortem_id=postmortem.pk, incident_id=incident.pk)
    milestone_events = list(
        IncidentEvent.objects.filter(
            incident=incident, kind=IncidentEventKind.MILESTONE, key__startswith="milestone:"
        )
    )
    for name, label in MILESTONES:
        sources = [f"incident:{incident.pk}:{name}"] + [
            event_source(e) for e in milestone_events if e.key.startswith(f"milestone:{name}:")
        ]
        entries = list(postmortem.timeline.filter(source__in=sources))
        when = getattr(incident, name)
        if when is None:
            for entry in entries:
                entry.delete()
            continue
        text = _("%(milestone)s: %(title)s") % {"milestone": label, "title": incident.title}
        key = milestone_event_key(name, when)
        event = next((e for e in milestone_events if e.key == key), None)
        if event is None:
            kind = IncidentEventKind.MILESTONE
            event = record_event(
                incident=incident,
                kind=kind,
                text=text,
                occurred_at=when,
                key=key,
            )
        assert event is not None  # not found above, so recorded now
        for entry in entries[1:]:
            entry.delete()
        keep = entries[0] if entries else None
        if keep is None:
            TimelineEntry.objects.create(
                postmortem=postmortem,
                occurred_at=when,
                text=text,
                kind=TimelineKind.MILESTONE,
                is_key_event=True,
                source=event_source(event),
            )
        elif (keep.occurred_at, keep.text, keep.source) != (when, text, event_source(event)):
            # The entry is automatic: keep it true (the title may have changed too).
            keep.occurred_at, keep.text, keep.source = when, text, event_source(event)
            keep.save(update_fields=["occurred_at", "text", "source"])


def add_event_to_timeline(*, event: IncidentEvent) -> TimelineEntry | None:
    """Copy one incident event into its incident's postmortem while that is an editable
    draft; any source (Hansei, PagerDuty...). Copying twice does nothing."""
    if is_milestone_event(event):
        sync_milestones_to_timeline(incident=event.incident)
        return None
    postmortem = _editable_draft(event.incident)
    if postmortem is None or postmortem.timeline.filter(source=event_source(event)).exists():
        return None
    events.emit(TIMELINE_CHANGED, postmortem_id=postmortem.pk, incident_id=event.incident_id)
    return TimelineEntry.objects.create(
        postmortem=postmortem,
        occurred_at=event.occurred_at,
        text=event.text[:MAX_TIMELINE_TEXT] or str(event.get_kind_display()),
        kind=EVENT_TIMELINE_KINDS.get(IncidentEventKind(event.kind), TimelineKind.EVENT),
        is_key_event=event.kind == IncidentEventKind.MILESTONE,
        source=event_source(event),
    )


def copy_incident_events(*, incident: Incident) -> None:
    """Everything that happened to the incident so far into its draft: at draft creation,
    and when an incident joins a postmortem."""
    for event in incident.events.select_related("incident"):
        if not is_milestone_event(event):
            add_event_to_timeline(event=event)
    sync_milestones_to_timeline(incident=incident)


def catch_up_incidents(*, postmortem: Postmortem, since: datetime) -> None:
    """What happened to its incidents while it could not change (in review, approved or
    published, ``since`` then): milestones moved, alerts and notes recorded. Called when it
    is a draft again. Events recorded before then are not copied again: an entry its
    writers deleted stays deleted."""
    for incident in postmortem.incidents.all():
        for event in incident.events.filter(created_at__gte=since).select_related("incident"):
            if not is_milestone_event(event):
                add_event_to_timeline(event=event)
        sync_milestones_to_timeline(incident=incident)


# --- imports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedEntry:
    occurred_at: datetime
    text: str
    is_key_event: bool = False


@transaction.atomic
def import_timeline_entries(
    *, actor: User, postmortem: Postmortem, entries: Sequence[ImportedEntry], source: str = ""
) -> list[TimelineEntry]:
    """Add many entries at once (a chat history): all of them or, on any error, none."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    if not entries:
        raise ValidationError(_("Choose at least one line to import."))
    if len(entries) > MAX_IMPORT_ENTRIES:
        raise ValidationError(
            _("At most %(n)s entries can be imported at once.") % {"n": MAX_IMPORT_ENTRIES}
        )
    bad = [
        str(number)
        for number, entry in enumerate(entries, start=1)
        if not isinstance(entry.occurred_at, datetime)
        or not entry.text.strip()
        or len(entry.text.strip()) > MAX_TIMELINE_TEXT
    ]
    if bad:
        raise ValidationError(
            _("Entries %(lines)s need a time and a text of 1 to %(n)s characters.")
            % {"lines": ", ".join(bad[:20]), "n": MAX_TIMELINE_TEXT}
        )
    events.emit(TIMELINE_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    created = TimelineEntry.objects.bulk_create(
        TimelineEntry(
            postmortem=postmortem,
            occurred_at=entry.occurred_at,
            text=entry.text.strip(),
            kind=TimelineKind.EVENT,
            is_key_event=entry.is_key_event,
            source=f"import:{source}"[:100] if source else "import",
            created_by=actor,
        )
        for entry in entries
    )
    return created


MAX_TIMELINE_TEXT = 2000


def _clean_link(link_url: str) -> str:
    """Links go to a graph, a log or a page: http(s) only, never javascript: or data:."""
    link_url = link_url.strip()
    if not link_url:
        return ""
    validator = URLValidator(schemes=["http", "https"])
    try:
        validator(link_url)
    except ValidationError as error:
        raise ValidationError({"link_url": _("Enter an http:// or https:// address.")}) from error
    if len(link_url) > 500:
        raise ValidationError({"link_url": _("At most %(n)s characters.") % {"n": 500}})
    return link_url


def _clean_timeline(occurred_at: datetime | None, text: str, kind: str) -> str:
    errors: dict[str, str] = {}
    if occurred_at is None:
        errors["occurred_at"] = _("The time is required.")
    text = text.strip()
    if not text:
        errors["text"] = _("Say what happened.")
    elif len(text) > MAX_TIMELINE_TEXT:
        errors["text"] = _("At most %(n)s characters.") % {"n": MAX_TIMELINE_TEXT}
    if kind not in TimelineKind.values:
        errors["kind"] = _("Unknown kind of entry.")
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def add_timeline_entry(
    *,
    actor: User,
    postmortem: Postmortem,
    occurred_at: datetime | None,
    text: str,
    kind: str = TimelineKind.EVENT,
    is_key_event: bool = False,
    link_url: str = "",
) -> TimelineEntry:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    text = _clean_timeline(occurred_at, text, kind)
    link_url = _clean_link(link_url)
    assert occurred_at is not None  # _clean_timeline refused a missing time
    events.emit(TIMELINE_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return TimelineEntry.objects.create(
        postmortem=postmortem,
        occurred_at=occurred_at,
        text=text,
        kind=kind,
        is_key_event=is_key_event,
        link_url=link_url,
        created_by=actor,
    )


@transaction.atomic
def update_timeline_entry(
    *,
    actor: User,
    entry: TimelineEntry,
    occurred_at: datetime | None,
    text: str,
    kind: str,
    is_key_event: bool,
    link_url: str | None = None,
) -> TimelineEntry:
    """``link_url=None`` keeps the entry's link."""
    lock_editable_postmortem(actor=actor, postmortem_id=entry.postmortem_id)
    entry.text = _clean_timeline(occurred_at, text, kind)
    if link_url is not None:
        entry.link_url = _clean_link(link_url)
    entry.occurred_at = occurred_at  # type: ignore[assignment]
    entry.kind = kind
    entry.is_key_event = is_key_event
    entry.save()
    events.emit(TIMELINE_CHANGED, actor_id=actor.pk, postmortem_id=entry.postmortem_id)
    return entry


@transaction.atomic
def delete_timeline_entry(*, actor: User, entry: TimelineEntry) -> None:
    lock_editable_postmortem(actor=actor, postmortem_id=entry.postmortem_id)
    entry.delete()
    events.emit(TIMELINE_CHANGED, actor_id=actor.pk, postmortem_id=entry.postmortem_id)
