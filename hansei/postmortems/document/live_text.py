"""A postmortem's live text: one Yjs document per postmortem, one ``Y.Text`` per Markdown
section (named by the section key), stored as raw Yjs updates appended to ``YUpdate``.

It is the text's source of truth: the sections' ``body`` column is its materialized copy,
brought up to date (debounced by live rooms, and always before a state change, a revision, an
export or an API answer) so that nothing reads a stale copy. Live editing (``collab``) is one
way of writing it; forms, the API and restores write it here too.

The database is the only durable copy: rooms in server processes are caches of it. Loading
applies the rows in order; compaction replaces rows by their merge in one transaction.
pycrdt indexes text by UTF-8 byte offsets: helpers here convert from Python string indexes.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from pycrdt import Doc, Text, merge_updates

from hansei.core import events
from hansei.postmortems.document.models import MaterializedText, Postmortem, Section, YUpdate
from hansei.postmortems.events import LIVE_TEXT_WRITTEN
from hansei.postmortems.template_library.models import SectionKind

log = logging.getLogger(__name__)


def text_sections(postmortem_id: int) -> list[Section]:
    return list(
        Section.objects.filter(postmortem_id=postmortem_id, kind=SectionKind.MARKDOWN).order_by(
            "position", "id"
        )
    )


@transaction.atomic
def ensure_seeded(postmortem_id: int) -> None:
    """Give the document its first update, from the sections' text, exactly once.

    The postmortem row is locked, so two processes opening the same room at once cannot both
    seed it (two seeds would show every section's text twice)."""
    Postmortem.objects.select_for_update().filter(pk=postmortem_id).first()
    if YUpdate.objects.filter(postmortem_id=postmortem_id).exists():
        return
    doc: Doc = Doc()
    for section in text_sections(postmortem_id):
        doc[section.key] = Text(section.body)
    YUpdate.objects.create(postmortem_id=postmortem_id, data=doc.get_update())


def rows_after(postmortem_id: int, floor: int = 0) -> list[tuple[int, bytes, datetime]]:
    """(id, update, created) of the stored rows with an id above ``floor``, in id order."""
    rows = YUpdate.objects.filter(postmortem_id=postmortem_id, id__gt=floor).order_by("id")
    return [(pk, bytes(data), at) for pk, data, at in rows.values_list("id", "data", "created_at")]


def stored_updates(postmortem_id: int) -> list[tuple[int, bytes]]:
    return [(pk, data) for pk, data, _ in rows_after(postmortem_id)]


def load_doc(postmortem_id: int) -> tuple[Doc, int]:
    """The document as stored, and the id of the last row applied."""
    ensure_seeded(postmortem_id)
    doc: Doc = Doc()
    last = 0
    for pk, data in stored_updates(postmortem_id):
        doc.apply_update(data)
        last = max(last, pk)
    return doc, last


def section_text(doc: Doc, key: str) -> str:
    return str(doc.get(key, type=Text))


def append_updates(postmortem_id: int, updates: Iterable[bytes]) -> list[int]:
    return append_batch({postmortem_id: list(updates)}).get(postmortem_id, [])


def append_batch(updates: dict[int, list[bytes]]) -> dict[int, list[int]]:
    """Store the updates of several documents with one INSERT; the new row ids per document."""
    rows = [YUpdate(postmortem_id=pk, data=data) for pk, items in updates.items() for data in items]
    ids: dict[int, list[int]] = {}
    for row in YUpdate.objects.bulk_create(rows):
        ids.setdefault(row.postmortem_id, []).append(row.pk)
    return ids


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def diff_into(ytext: Text, old: str, new: str) -> None:
    """Turn ``old`` into ``new`` in ``ytext`` with the smallest edits difflib finds, so text
    that did not change keeps its identity (cursors and comment anchors stay put)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    old_mid, new_mid = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    # Apply from the end so earlier offsets stay valid.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        start = _byte_offset(old, prefix + i1)
        end = _byte_offset(old, prefix + i2)
        if end > start:
            del ytext[start:end]
        if j2 > j1:
            ytext.insert(start, new_mid[j1:j2])


@transaction.atomic
def replace_section_text(*, postmortem_id: int, key: str, text: str) -> bytes | None:
    """Write ``text`` into the live document's section ``key`` (forms, the API, restores) and
    announce it, so open rooms apply it. Returns the update, or None if nothing changed."""
    # Loading seeds the document under a lock on the postmortem row, held until this
    # transaction ends: two writers cannot diff against the same stale text.
    doc, _ = load_doc(postmortem_id)
    ytext = doc.get(key, type=Text)
    old = str(ytext)
    if old == text:
        return None
    before = doc.get_state()
    with doc.transaction():
        diff_into(ytext, old, text)
    update = doc.get_update(before)
    [row_id] = append_updates(postmortem_id, [update])
    events.emit(LIVE_TEXT_WRITTEN, postmortem_id=postmortem_id, object_id=row_id)
    return update


def materialize_sections(postmortem_id: int) -> list[str]:
    """Copy the live document's text into the sections' ``body``; the keys that changed.

    Reads every stored update, so it is right whichever process received the edits, and
    records the last update it includes (``MaterializedText``)."""
    if not YUpdate.objects.filter(postmortem_id=postmortem_id).exists():
        return []
    doc, last = load_doc(postmortem_id)
    changed = []
    now = timezone.now()
    with transaction.atomic():
        for section in text_sections(postmortem_id):
            body = section_text(doc, section.key)
            if body != section.body:
                Section.objects.filter(pk=section.pk).update(body=body, updated_at=now)
                changed.append(section.key)
        if changed:
            Postmortem.objects.filter(pk=postmortem_id).update(updated_at=now)
        marked = MaterializedText.objects.filter(postmortem_id=postmortem_id)
        if not marked.filter(through_update__gte=last).exists():
            MaterializedText.objects.update_or_create(
                postmortem_id=postmortem_id, defaults={"through_update": last}
            )
    return changed


def _unsaved_rows() -> QuerySet[YUpdate]:
    """Stored updates the sections' text does not include yet."""
    marks = MaterializedText.objects.filter(postmortem_id=OuterRef("postmortem_id"))
    through = Coalesce(Subquery(marks.values("through_update")[:1]), Value(0))
    return YUpdate.objects.annotate(through=through).filter(id__gt=F("through"))


def has_unsaved_text(postmortem_id: int) -> bool:
    return _unsaved_rows().filter(postmortem_id=postmortem_id).exists()


def ensure_text_saved(postmortem_id: int) -> None:
    """Bring the sections' text up to date before it is read (an API answer, an export, a
    revision): one cheap query when it already is."""
    if has_unsaved_text(postmortem_id):
        materialize_sections(postmortem_id)


def materialize_stale(older_than: timedelta = timedelta(0)) -> int:
    """Save the text of every document with stored updates older than ``older_than`` that
    its sections do not include (a process died before its debounced save). Returns how many
    documents were brought up to date."""
    cutoff = timezone.now() - older_than
    stale = _unsaved_rows().filter(created_at__lte=cutoff).values("postmortem_id").distinct()
    ids = sorted({row["postmortem_id"] for row in stale})
    for postmortem_id in ids:
        try:
            materialize_sections(postmortem_id)
        except Exception:
            log.exception("could not save the text of postmortem %s", postmortem_id)
    if ids:
        log.info("saved the live text of %s postmortem(s) left unsaved", len(ids))
    return len(ids)


def sweep_unsaved_text() -> None:
    """The worker's periodic task: documents left unsaved for longer than a room would wait."""
    materialize_stale(timedelta(seconds=settings.COLLAB_SAVE_DELAY + 10))


@transaction.atomic
def compact(postmortem_id: int) -> int:
    """Replace the stored rows by one merged update; how many rows were merged.

    Deletes exactly the rows it read, so rows another process appends meanwhile survive."""
    rows = stored_updates(postmortem_id)
    if len(rows) < 2:
        return 0
    merged = merge_updates(*[data for _, data in rows])
    YUpdate.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    YUpdate.objects.create(postmortem_id=postmortem_id, data=merged)
    log.info("compacted %s updates of postmortem %s", len(rows), postmortem_id)
    return len(rows)
