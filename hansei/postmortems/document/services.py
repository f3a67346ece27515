"""Every change to a postmortem: drafting, content, timeline, publishing, amendments."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import audit, events
from hansei.core.errors import InvalidState
from hansei.incidents.models import Incident, PostmortemPolicy
from hansei.postmortems.document import live_text
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import (
    MAX_SECTION_CHARS,
    Postmortem,
    ReadReceipt,
    Revision,
    Section,
    Status,
)
from hansei.postmortems.document.prefill import prefilled_body
from hansei.postmortems.document.queries import (
    default_due_date,
    default_template,
    publish_blockers,
)
from hansei.postmortems.document.snapshot import build_snapshot
from hansei.postmortems.events import (
    AMENDMENT_STARTED,
    POSTMORTEM_CREATED,
    POSTMORTEM_PUBLISHED,
    POSTMORTEM_UPDATED,
    SECTIONS_CHANGED,
)
from hansei.postmortems.history.models import VersionReason
from hansei.postmortems.history.services import record_version
from hansei.postmortems.template_library.models import SectionKind, Template
from hansei.postmortems.timeline.services import catch_up_incidents


def _validate_owner(owner: User, team_id: int) -> None:
    if not access.can_own_postmortems_of(owner, team_id):
        raise ValidationError(
            {
                "owner": _("%(user)s cannot own it: the owner must be a writer on the team.")
                % {"user": owner}
            }
        )


def _default_owner(incident: Incident, actor: User) -> User:
    """The commander when they can own it (a writer on the team), else whoever starts it."""
    commander = incident.commander
    if commander is not None and access.can_write_for_team(commander, incident.team_id):
        return commander
    return actor


def _validate_due_date(due: date) -> None:
    if due < timezone.localdate():
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})


@transaction.atomic
def create_postmortem(
    *,
    actor: User,
    incident: Incident,
    template: Template | None = None,
    owner: User | None = None,
    due_date: date | None = None,
    title: str = "",
) -> Postmortem:
    """A draft from a template, pre-filled with what the incident already tells."""
    access.require(
        access.can_write_for_team(actor, incident.team_id),
        _("Only the incident's team can start its postmortem."),
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.postmortem_id:
        raise InvalidState(_("This incident already has a postmortem."))
    template = template or default_template(actor.language or "en") or default_template()
    if template is None:
        raise InvalidState(_("There is no postmortem template yet; an admin must create one."))
    owner = owner or _default_owner(incident, actor)
    _validate_owner(owner, incident.team_id)
    due = due_date or default_due_date(incident.severity)
    _validate_due_date(due)
    title = (title or incident.title).strip()
    if len(title) > 200:
        raise ValidationError({"title": _("The title is too long (at most 200 characters).")})
    postmortem = Postmortem.objects.create(
        title=title,
        team_id=incident.team_id,
        owner=owner,
        template=template,
        language=template.language,
        due_date=due,
        created_by=actor,
    )
    for ts in template.sections.all():
        Section.objects.create(
            postmortem=postmortem,
            key=ts.key,
            title=ts.title,
            help_text=ts.help_text,
            kind=ts.kind,
            required=ts.required,
            public=ts.public,
            position=ts.position,
            body=prefilled_body(ts.key, ts.kind, incident, template.language),
        )
    incident.postmortem = postmortem
    incident.save(update_fields=["postmortem"])
    record_version(postmortem=postmortem, reason=VersionReason.CREATED, actor=actor)
    events.emit(
        POSTMORTEM_CREATED, actor_id=actor.pk, postmortem_id=postmortem.pk, incident_id=incident.pk
    )
    return postmortem


def state_changed(*, postmortem: Postmortem, reason: str, actor: User) -> None:
    """After a state change (text already brought up to date from the live document): keep
    a version of the text. Called inside the change's transaction, which announces it."""
    record_version(postmortem=postmortem, reason=reason, actor=actor)


@transaction.atomic
def update_section(*, actor: User, section: Section, body: str) -> Section:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=section.postmortem_id)
    if len(body) > MAX_SECTION_CHARS:
        raise ValidationError(
            {
                "body": _("The section is too long (at most %(n)s characters).")
                % {"n": f"{MAX_SECTION_CHARS:,}"}
            }
        )
    section.body = body.replace("\r\n", "\n")
    if section.kind == SectionKind.MARKDOWN:
        # The live document is the text's source of truth: write there, and to open pages.
        live_text.replace_section_text(
            postmortem_id=postmortem.pk, key=section.key, text=section.body
        )
    section.updated_by = actor
    section.save(update_fields=["body", "updated_by", "updated_at"])
    Postmortem.objects.filter(pk=postmortem.pk).update(updated_at=timezone.now())
    events.emit(SECTIONS_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return section


@transaction.atomic
def update_postmortem(
    *,
    actor: User,
    postmortem: Postmortem,
    title: str | None = None,
    owner: User | None = None,
    due_date: date | None = None,
    restricted: bool | None = None,
) -> Postmortem:
    # Check the locked row, not the caller's copy (its status may be stale), and save only
    # these fields, so a stale copy cannot undo a submission or publication made meanwhile.
    current = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    access.require(access.can_edit_postmortem(actor, current))
    if current.status == Status.PUBLISHED:
        raise InvalidState(_("It is published: start an amendment to change it."))
    reviewed = (
        (title is not None and title.strip() != current.title)
        or (owner is not None and owner.pk != current.owner_id)
        or (restricted is not None and restricted != current.restricted)
    )
    if reviewed and not current.is_editable:
        # Reviewers approve what it says, who answers for it and who will read it
        # (the checklist asks whether it is shared with the right people).
        lock_editable_postmortem(actor=actor, postmortem_id=current.pk)
    if title is not None:
        title = title.strip()
        if not title or len(title) > 200:
            raise ValidationError({"title": _("A title of 1 to 200 characters is required.")})
        postmortem.title = title
    if owner is not None and owner.pk != postmortem.owner_id:
        _validate_owner(owner, postmortem.team_id)
        postmortem.owner = owner
    if due_date is not None and due_date != postmortem.due_date:
        _validate_due_date(due_date)
        postmortem.due_date = due_date
    if restricted is not None and restricted != current.restricted:
        postmortem.restricted = restricted
        change = {"restricted": audit.change(current.restricted, restricted)}
        audit.record("postmortem.restriction_changed", actor=actor, target=current, changes=change)
    postmortem.save(update_fields=["title", "owner", "due_date", "restricted", "updated_at"])
    events.emit(POSTMORTEM_UPDATED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return postmortem


@transaction.atomic
def publish_postmortem(*, actor: User, postmortem: Postmortem, change_note: str = "") -> Revision:
    """Freeze a revision, put it in the archive and announce it. Never without review."""
    postmortem = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    access.require(access.can_publish_postmortem(actor, postmortem))
    live_text.materialize_sections(postmortem.pk)
    if postmortem.status != Status.APPROVED:
        raise InvalidState(_("Only an approved postmortem can be published."))
    blockers = publish_blockers(postmortem)
    if blockers:
        raise InvalidState(" ".join(blockers))
    if len(change_note) > 500:
        raise ValidationError({"change_note": _("At most 500 characters.")})
    number = (postmortem.revisions.count() or 0) + 1
    if number > 1 and not change_note.strip():
        raise ValidationError({"change_note": _("Say what this amendment changes.")})
    now = timezone.now()
    postmortem.status = Status.PUBLISHED
    postmortem.published_at = postmortem.published_at or now
    postmortem.published_title = postmortem.title
    postmortem.save(update_fields=["status", "published_at", "published_title", "updated_at"])
    revision = Revision.objects.create(
        postmortem=postmortem,
        number=number,
        snapshot=build_snapshot(postmortem),
        change_note=change_note.strip(),
        published_by=actor,
        published_at=now,
    )
    audit.record(
        "postmortem.published",
        actor=actor,
        target=postmortem,
        detail=f"revision {number}" + (f": {revision.change_note}" if revision.change_note else ""),
    )
    state_changed(postmortem=postmortem, reason=VersionReason.PUBLISHED, actor=actor)
    events.emit(
        POSTMORTEM_PUBLISHED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=revision.pk
    )
    return revision


AMENDMENT_DAYS = 5  # an amendment of a postmortem without incidents


@transaction.atomic
def delete_postmortem(*, actor: User, postmortem: Postmortem) -> None:
    """A draft started by mistake: admins only, audited. What was ever published is kept
    forever (amend it instead). Its incidents need a postmortem again."""
    access.require(
        access.can_delete_records(actor), _("Only an administrator can delete a postmortem.")
    )
    postmortem = Postmortem.objects.select_for_update(of=("self",)).get(pk=postmortem.pk)
    if postmortem.published_at is not None or postmortem.revisions.exists():
        raise InvalidState(_("A published postmortem is kept forever: amend it instead."))
    audit.record(
        "postmortem.deleted",
        actor=actor,
        target=postmortem,
        changes={
            "title": postmortem.title,
            "team": postmortem.team.name,
            "status": postmortem.status,
            "incidents": list(postmortem.incidents.values_list("pk", flat=True)),
        },
    )
    postmortem.delete()


@transaction.atomic
def start_amendment(*, actor: User, postmortem: Postmortem) -> Postmortem:
    """Reopen a published postmortem as a draft; the archive keeps showing the last revision."""
    postmortem = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    access.require(access.can_edit_postmortem(actor, postmortem))
    if postmortem.status != Status.PUBLISHED:
        raise InvalidState(_("Only a published postmortem can be amended."))
    postmortem.status = Status.DRAFT
    # An amendment is new work: its own deadline from today, by its most severe incident's
    # severity (never the original's, long past, which made it overdue on its first day).
    worst = postmortem.incidents.select_related("severity").order_by("severity__level").first()
    today = timezone.localdate()
    postmortem.due_date = (
        default_due_date(worst.severity) if worst else today + timedelta(days=AMENDMENT_DAYS)
    )
    postmortem.save(update_fields=["status", "due_date", "updated_at"])
    latest = postmortem.latest_revision()
    if latest is not None:  # what changed on its incidents since it was published
        catch_up_incidents(postmortem=postmortem, since=latest.published_at)
    audit.record("postmortem.amendment_started", actor=actor, target=postmortem)
    state_changed(postmortem=postmortem, reason=VersionReason.AMENDMENT, actor=actor)
    events.emit(AMENDMENT_STARTED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return postmortem


def note_export(
    *, actor: User | None, postmortem: Postmortem, fmt: str, revision: int | None
) -> None:
    """An export leaves Hansei: the audit log keeps who took which version, and how.
    ``actor`` None is an operator at the command line."""
    shown = f"revision {revision}" if revision else "current content"
    audit.record("postmortem.exported", actor=actor, target=postmortem, detail=f"{fmt}, {shown}")


def record_read(*, reader: User, revision: Revision) -> None:
    """``reader`` opened ``revision`` in the reading view (not when the policy turns read
    tracking off). Keeps the latest revision they read; a lost race with their other tab is
    no error."""
    if not reader.is_authenticated or not PostmortemPolicy.current().read_tracking:
        return
    now = timezone.now()
    updated = ReadReceipt.objects.filter(postmortem_id=revision.postmortem_id, user=reader)
    if updated.filter(revision__gte=revision.number).update(last_read_at=now):
        return
    if updated.update(revision=revision.number, last_read_at=now):
        return
    try:
        with transaction.atomic():
            ReadReceipt.objects.create(
                postmortem_id=revision.postmortem_id,
                user=reader,
                revision=revision.number,
                first_read_at=now,
                last_read_at=now,
            )
    except IntegrityError:
        pass  # the same reader's other request recorded it a moment ago
