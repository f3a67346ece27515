"""The draft's history: automatic versions of the text, taken at every state change and
periodically while people write live, and restoring a section from one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from pycrdt import Doc

from hansei.accounts.models import User
from hansei.core import events
from hansei.postmortems.document import live_text
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import Postmortem, Section
from hansei.postmortems.events import SECTIONS_CHANGED
from hansei.postmortems.history.models import Version
from hansei.postmortems.history.models import VersionReason as Reason
from hansei.postmortems.history.tracked import tracked_parts
from hansei.postmortems.template_library.models import SectionKind


def _text_in_database(postmortem: Postmortem) -> dict[str, str]:
    rows = postmortem.sections.order_by("position", "id").values_list("key", "body")
    return dict(rows)


@transaction.atomic
def record_version(
    *, postmortem: Postmortem, reason: str, actor: User | None = None, note: str = ""
) -> Version:
    """Snapshot the title and every section's text as they are in the database now (callers
    bring the live text into the database first, see ``collab.live_text.materialize_sections``)."""
    last = Version.objects.filter(postmortem=postmortem).aggregate(n=Max("number"))["n"] or 0
    return Version.objects.create(
        postmortem=postmortem,
        number=last + 1,
        reason=reason,
        title=postmortem.title,
        sections=_text_in_database(postmortem),
        parts=tracked_parts(postmortem),
        note=note[:300],
        actor=actor,
        # Called, not the field's default: the demo replays its history on a simulated clock.
        created_at=timezone.now(),
    )


def _latest_version(postmortem_id: int) -> Version | None:
    return Version.objects.filter(postmortem_id=postmortem_id).order_by("-number").first()


def _is_recent(version: Version | None) -> bool:
    interval = timedelta(seconds=settings.COLLAB_VERSION_INTERVAL)
    return version is not None and timezone.now() - version.created_at < interval


def record_periodic_version(postmortem_id: int) -> Version | None:
    """Keep an "edited" version while people write live: called after the live text was
    copied into the database. Records one only when the text differs from the latest version
    and that version is older than ``COLLAB_VERSION_INTERVAL`` seconds; None otherwise."""
    if _is_recent(_latest_version(postmortem_id)):
        return None  # the common case, answered without taking a lock
    with transaction.atomic():
        # Locked and checked again: two server processes may get here at the same moment.
        postmortem = Postmortem.objects.select_for_update().filter(pk=postmortem_id).first()
        if postmortem is None:
            return None
        latest = _latest_version(postmortem_id)
        if _is_recent(latest):
            return None
        unchanged = (
            latest is not None
            and latest.title == postmortem.title
            and latest.sections == _text_in_database(postmortem)
        )
        if unchanged:
            return None
        return record_version(postmortem=postmortem, reason=Reason.EDITED)


@dataclass(frozen=True)
class CurrentText:
    """The text as it is now, to compare a version with."""

    title: str
    sections: dict[str, str]
    parts: dict[str, Any]


def current_text(postmortem: Postmortem) -> CurrentText:
    """The title and each section's text now: the database copy, with the live document's
    text for the sections it holds (the database copy may be a few seconds behind it).
    Reads only: nothing is written, seeded or locked."""
    sections = _text_in_database(postmortem)
    updates = live_text.stored_updates(postmortem.pk)
    if updates:
        doc: Doc = Doc()
        for _pk, data in updates:
            doc.apply_update(data)
        live_keys = set(doc.keys())
        for section in live_text.text_sections(postmortem.pk):
            if section.key in live_keys:
                sections[section.key] = live_text.section_text(doc, section.key)
    return CurrentText(title=postmortem.title, sections=sections, parts=tracked_parts(postmortem))


def _restorable_section(postmortem: Postmortem, version: Version, key: str) -> Section:
    section = postmortem.sections.filter(key=key).first()
    if version.postmortem_id != postmortem.pk or key not in version.sections or section is None:
        raise ValidationError(_("This version has no section “%(key)s”.") % {"key": key})
    if section.kind != SectionKind.MARKDOWN:
        raise ValidationError(
            _("Only text sections can be restored; “%(title)s” is not one.")
            % {"title": section.title}
        )
    return section


@transaction.atomic
def restore_section(*, actor: User, postmortem: Postmortem, version: Version, key: str) -> Version:
    """Put one section's text back as it was in ``version``: written into the live document
    (open editors see it at once) and into the database, and kept as a "restored" version."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    section = _restorable_section(postmortem, version, key)
    text = version.sections[key]
    live_text.materialize_sections(postmortem.pk)  # compare with the live text, not a stale copy
    section.refresh_from_db(fields=["body"])
    if section.body == text:
        raise ValidationError(
            _("“%(title)s” already reads as in version %(n)s: nothing to restore.")
            % {"title": section.title, "n": version.number}
        )
    live_text.replace_section_text(postmortem_id=postmortem.pk, key=key, text=text)
    live_text.materialize_sections(postmortem.pk)
    Section.objects.filter(pk=section.pk).update(updated_by=actor)
    events.emit(SECTIONS_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    note = _("Restored “%(title)s” from version %(n)s") % {
        "title": section.title,
        "n": version.number,
    }
    return record_version(postmortem=postmortem, reason=Reason.RESTORED, actor=actor, note=note)
