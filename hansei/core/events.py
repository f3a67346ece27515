"""Domain events: services say what happened; the apps that care listen.

A service announces a change inside its transaction::

    events.emit(POSTMORTEM_PUBLISHED, actor_id=actor.pk, postmortem_id=postmortem.pk)

and an app above it listens, from its ``AppConfig.ready()``::

    events.listen(POSTMORTEM_PUBLISHED, index_publication, when=events.IN_TRANSACTION)

So a lower layer never calls a higher one: incidents do not know that postmortems copy their
history into a timeline, postmortems do not know that search indexes them or that pages
update live. The kinds of event are declared by the app that emits them (``events.py`` of
that app or feature, one line each); ``KINDS`` lists them all, for people and for settings.

Two moments to listen at, named at every ``listen`` call:

* ``IN_TRANSACTION``: at once, inside the emitting service's transaction, so the listener's
  writes commit or roll back with the change and a crash can never keep one without the
  other. For derived rows in the same database: a draft's timeline entries copied from its
  incident, the search index of a publication, inbox notifications and the outbox of emails
  the worker sends later. A listener that raises undoes the change.
* ``AFTER_COMMIT``: once the change has committed (at once outside a transaction), never
  if it rolls back. For what leaves the database and must not announce what did not happen:
  live page events over the channel layer. A failure is logged and never undoes the change.

An event carries ids and never content: a listener reads the rows it needs, and anything it
shows a person goes through the rulebook, so an event cannot leak what its reader may not see.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import transaction

log = logging.getLogger(__name__)

IN_TRANSACTION: Literal["in_transaction"] = "in_transaction"
AFTER_COMMIT: Literal["after_commit"] = "after_commit"
Moment = Literal["in_transaction", "after_commit"]


@dataclass(frozen=True)
class Kind:
    """A kind of event: a stable name (``postmortem_published``), what it means, and which
    parts of its postmortem's page it changes (pages that show them re-fetch them)."""

    name: str
    meaning: str
    parts: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Event:
    """What happened, to which rows, by whom (``actor_id`` None: the system or an intake)."""

    kind: Kind
    actor_id: int | None = None
    postmortem_id: int | None = None
    incident_id: int | None = None
    object_id: int | None = None  # the row the event is about: a review, an item, a comment

    def id_of(self, field: Literal["postmortem_id", "incident_id", "object_id"]) -> int:
        """The id ``field``, which this kind of event always carries."""
        value: int | None = getattr(self, field)
        if value is None:
            raise ValueError(f"a {self.kind} event carries no {field}")
        return value


Listener = Callable[[Event], None]

# The page parts events name (``data-live-part`` on the postmortem page).
PARTS = frozenset(
    {"status", "review", "sections", "timeline", "analysis", "action_items", "comments"}
)
# A new state changes what the page offers everywhere: who may edit, review, publish.
STATE_PARTS = ("status", "review", "sections")

KINDS: dict[str, Kind] = {}
EVERY = Kind("*", "Every kind of event, declared now or later.")
_listeners: dict[tuple[Kind, Moment], list[Listener]] = defaultdict(list)


def kind(name: str, meaning: str, *, parts: tuple[str, ...] = ()) -> Kind:
    """Declare a kind of event, once (a second declaration of a name is a mistake)."""
    if name in KINDS or name == EVERY.name:
        raise ValueError(f"the event kind {name!r} is declared twice")
    if not set(parts) <= PARTS:
        raise ValueError(f"unknown page parts: {sorted(set(parts) - PARTS)}")
    declared = KINDS[name] = Kind(name, meaning, parts)
    return declared


def listen(kinds: Kind | tuple[Kind, ...], listener: Listener, *, when: Moment) -> None:
    """Call ``listener`` with every event of ``kinds`` (``EVERY``: of all kinds), at the
    moment ``when``. Listening twice with the same listener is once."""
    for each in kinds if isinstance(kinds, tuple) else (kinds,):
        if each is not EVERY and each.name not in KINDS:
            raise ValueError(f"unknown event kind {each.name!r}")
        listeners = _listeners[(each, when)]
        if listener not in listeners:
            listeners.append(listener)


def emit(
    what: Kind,
    *,
    actor_id: int | None = None,
    postmortem_id: int | None = None,
    incident_id: int | None = None,
    object_id: int | None = None,
) -> Event:
    """Announce ``what`` happened: in-transaction listeners run now, the others on commit."""
    if what.name not in KINDS:
        raise ValueError(f"unknown event kind {what.name!r}")
    event = Event(what, actor_id, postmortem_id, incident_id, object_id)
    for listener in listeners_of(what, IN_TRANSACTION):
        listener(event)
    for listener in listeners_of(what, AFTER_COMMIT):
        transaction.on_commit(_after_commit(listener, event))
    return event


def _after_commit(listener: Listener, event: Event) -> Callable[[], None]:
    def run() -> None:
        try:
            listener(event)
        except Exception:  # the change is committed: a listener's failure must not undo it
            log.exception("listener %s failed on %s", listener.__qualname__, event)

    return run


def listeners_of(what: Kind, when: Moment) -> tuple[Listener, ...]:
    """Who listens to ``what`` at ``when``, in order: those of every kind first."""
    return tuple(_listeners[(EVERY, when)]) + tuple(_listeners[(what, when)])
