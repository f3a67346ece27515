"""Comment anchors: two Yjs relative positions in a section's ``Y.Text``, and where they
point now in the live document.

An anchor is base64 of ``Y.encodeRelativePosition`` (the bytes pycrdt's ``StickyIndex``
reads and writes too), in lib0 encoding: a varuint kind, then for kind 0 an item id (varuint
client, varuint clock), for kind 1 a root type's name (varstring), for kind 2 a nested type's
id; then a varint ``assoc`` (>= 0: stick to the character after, < 0: to the one before).
The bytes are parsed here before pycrdt sees them: its decoder (and its index lookup of an
item it does not know) panic, raising a ``BaseException`` instead of an error. Sections are
root types, so a nested type's position (kind 2) never points into one.

Units: pycrdt's documents count text in UTF-8 bytes, but a position's offset inside the
character run (item) it names is in UTF-16 units (Yjs' clocks), so pycrdt's
``StickyIndex.get_index`` adds bytes to UTF-16 units for non-ASCII text. Positions are
therefore resolved in a copy of the document whose strings are replaced by as many ASCII
characters as they have UTF-16 units (``ascii_copy``): there every unit counts the same, and
``utf16_to_index`` turns the offset into a Python string index of the real text.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pycrdt import Doc, StickyIndex, Text

from hansei.collab.comments.models import CommentThread
from hansei.postmortems.document.live_text import load_doc

MAX_ANCHOR_CHARS = 200
ITEM, ROOT, NESTED = 0, 1, 2
MAX_CLOCK = 2**32 - 1  # yrs keeps clocks in 32 bits
MAX_CLIENT = 2**53 - 1  # Yjs client ids are JavaScript integers


class AnchorError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Position:
    """A decoded relative position: an item (``client``, ``clock``) or a root type."""

    raw: bytes
    assoc: int
    client: int | None = None
    clock: int | None = None
    root: str | None = None


@dataclass(frozen=True)
class AnchorRange:
    """Where a thread's text is now: Python string indexes into the section's text."""

    start: int
    end: int
    text: str

    @property
    def orphaned(self) -> bool:
        """The text it pointed at was deleted (both ends met)."""
        return self.end <= self.start


# --- decoding -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise AnchorError(_("This text position is cut short."))
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varuint(self, limit: int) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if value > limit:
                raise AnchorError(_("This text position is out of range."))
            if byte < 0x80:
                return value

    def varint(self, limit: int = MAX_CLOCK) -> int:
        # lib0: the first byte holds a continuation bit, a sign bit and 6 bits of value.
        first = self.byte()
        negative, value = bool(first & 0x40), first & 0x3F
        shift = 6
        byte = first
        while byte & 0x80:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if value > limit:
                raise AnchorError(_("This text position is out of range."))
        return -value if negative else value

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise AnchorError(_("This text position is cut short."))
        self.pos += count

    def varbytes(self) -> bytes:
        length = self.varuint(len(self.data))
        start = self.pos
        self.skip(length)
        return self.data[start : self.pos]

    def varstring(self, limit: int = MAX_ANCHOR_CHARS) -> str:
        length = self.varuint(limit)
        if self.pos + length > len(self.data):
            raise AnchorError(_("This text position is cut short."))
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        try:
            return chunk.decode()
        except UnicodeDecodeError as exc:
            raise AnchorError(_("This text position is not valid.")) from exc


def _parse(raw: bytes) -> Position:
    reader = _Reader(raw)
    kind = reader.varuint(NESTED)
    if kind == NESTED:
        raise AnchorError(_("This text position is not in a section's text."))
    if kind == ITEM:
        client, clock = reader.varuint(MAX_CLIENT), reader.varuint(MAX_CLOCK)
        position = Position(raw=raw, assoc=reader.varint(), client=client, clock=clock)
    else:
        root = reader.varstring()
        position = Position(raw=raw, assoc=reader.varint(), root=root)
    if reader.pos != len(raw):
        raise AnchorError(_("This text position has unexpected bytes at its end."))
    return position


def _expected_json(position: Position) -> dict[str, object]:
    assoc = 0 if position.assoc >= 0 else -1
    if position.root is not None:
        return {"tname": position.root, "assoc": assoc}
    return {"item": {"client": position.client, "clock": position.clock}, "assoc": assoc}


def decode_anchor(value: str) -> Position:
    """The relative position in ``value`` (base64); AnchorError if it is not one."""
    if not value or len(value) > MAX_ANCHOR_CHARS:
        raise AnchorError(_("This is not a text position."))
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AnchorError(_("This is not a text position (not base64).")) from exc
    position = _parse(raw)
    if StickyIndex.decode(raw).to_json() != _expected_json(position):
        raise AnchorError(_("This text position is not valid."))
    return position


def encode_anchor(sticky: StickyIndex) -> str:
    return base64.b64encode(sticky.encode()).decode()


# --- a copy of the document in ASCII -------------------------------------------------------

STRING_CONTENT = 4
# lib0 "any" values: tag -> how many fixed bytes follow (None: something else follows).
ANY_FIXED = {127: 0, 126: 0, 121: 0, 120: 0, 124: 4, 123: 8, 122: 8}


def _varuint_bytes(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def _skip_id(reader: _Reader) -> None:
    reader.varuint(2**64)
    reader.varuint(2**64)


def _skip_any(reader: _Reader) -> None:
    tag = reader.byte()
    if tag in ANY_FIXED:
        reader.skip(ANY_FIXED[tag])
    elif tag == 125:
        reader.varint(2**64)
    elif tag in (119, 116):
        reader.varbytes()
    elif tag == 118:
        for _i in range(reader.varuint(len(reader.data))):
            reader.varbytes()
            _skip_any(reader)
    elif tag == 117:
        for _i in range(reader.varuint(len(reader.data))):
            _skip_any(reader)
    else:
        raise AnchorError(f"unknown value tag {tag}")


def _skip_content(reader: _Reader, ref: int) -> None:
    """Skip an item's content (every kind but strings) in a v1 update."""
    big = len(reader.data)
    if ref == 1:  # deleted
        reader.varuint(big)
    elif ref == 2:  # JSON
        for _i in range(reader.varuint(big)):
            reader.varbytes()
    elif ref in (3, 5):  # binary, embed
        reader.varbytes()
    elif ref == 6:  # format: key, value
        reader.varbytes()
        reader.varbytes()
    elif ref == 7:  # a type; XML elements and hooks carry a name
        if reader.varuint(big) in (3, 5):
            reader.varbytes()
    elif ref == 8:  # any
        for _i in range(reader.varuint(big)):
            _skip_any(reader)
    elif ref == 9:  # subdocument: guid, options
        reader.varbytes()
        _skip_any(reader)
    else:
        raise AnchorError(f"unknown content {ref}")


def _ascii_update(update: bytes) -> bytes:
    """``update`` (v1) with each string replaced by as many "x" as it has UTF-16 units."""
    reader, out, copied = _Reader(update), bytearray(), 0
    big = len(update)
    for _client in range(reader.varuint(big)):
        structs = reader.varuint(big)
        _skip_id(reader)  # the client, its first clock
        for _struct in range(structs):
            info = reader.byte()
            ref = info & 0x1F
            if ref in (0, 10):  # garbage collected, skipped
                reader.varuint(2**64)
                continue
            for flag in (0x80, 0x40):  # left origin, right origin
                if info & flag:
                    _skip_id(reader)
            if not info & 0xC0:  # no origin: the parent follows
                if reader.varuint(1):
                    reader.varbytes()
                else:
                    _skip_id(reader)
                if info & 0x20:
                    reader.varbytes()
            if ref != STRING_CONTENT:
                _skip_content(reader, ref)
                continue
            out += update[copied : reader.pos]
            units = len(reader.varbytes().decode().encode("utf-16-le")) // 2
            out += _varuint_bytes(units) + b"x" * units
            copied = reader.pos
    return bytes(out + update[copied:])  # the delete set is unchanged


def ascii_copy(doc: Doc) -> Doc | None:
    """A copy of ``doc`` whose text is all ASCII, with the same items; None if its update
    holds something this reader does not know."""
    try:
        update = _ascii_update(doc.get_update())
    except (AnchorError, UnicodeDecodeError):
        return None
    copy: Doc = Doc()
    copy.apply_update(update)
    # Every item made it across (a misread update would leave some pending).
    return copy if _state_vector(copy) == _state_vector(doc) else None


# --- resolving ----------------------------------------------------------------------------


def utf16_to_index(text: str, units: int) -> int:
    """The Python string index at ``units`` UTF-16 code units into ``text`` (never inside a
    character: half a surrogate pair counts as before it)."""
    if units <= 0:
        return 0
    return len(text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", "ignore"))


def _state_vector(doc: Doc) -> dict[int, int]:
    reader = _Reader(doc.get_state())
    clocks = {}
    for _i in range(reader.varuint(2**32)):
        client = reader.varuint(2**64)
        clocks[client] = reader.varuint(2**64)
    return clocks


class LiveText:
    """A live document made ready to resolve positions in (see the module's docstring)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ascii = ascii_copy(doc)
        self.clocks = _state_vector(doc)

    def text(self, key: str) -> str:
        return str(self.doc.get(key, type=Text))

    def holds(self, position: Position, key: str) -> bool:
        """Whether the position can be looked up (pycrdt panics otherwise) as one in ``key``."""
        if position.root is not None:
            return position.root == key
        assert position.client is not None and position.clock is not None
        return self.clocks.get(position.client, 0) > position.clock

    def units(self, key: str, positions: Iterable[Position], doc: Doc | None = None) -> list[int]:
        """The positions' UTF-16 offsets (in ``doc``, an ASCII copy, if given)."""
        copy = doc or self.ascii
        if copy is None:
            raise AnchorError(_("The live document could not be read."))
        copy.get(key, type=Text)  # a root type must exist to be looked up
        with copy.transaction() as txn:
            return [StickyIndex.decode(p.raw).get_index(txn) for p in positions]

    def range(self, key: str, start: Position, end: Position) -> AnchorRange:
        text = self.text(key)
        start_units, end_units = self.units(key, (start, end))
        first, last = utf16_to_index(text, start_units), utf16_to_index(text, end_units)
        return AnchorRange(start=first, end=max(first, last), text=text[first:last])

    def resolve(self, key: str, anchor_start: str, anchor_end: str) -> AnchorRange | None:
        """Where a thread's anchors point now in section ``key``; None if they cannot be
        located there (not positions, or content the document does not hold)."""
        try:
            start, end = decode_anchor(anchor_start), decode_anchor(anchor_end)
        except AnchorError:
            return None
        if self.ascii is None or not (self.holds(start, key) and self.holds(end, key)):
            return None
        return self.range(key, start, end)

    def locate_new(self, key: str, start: Position, end: Position) -> AnchorRange:
        """Check that a new thread's positions point into section ``key``'s text, in order;
        where they point. AnchorError (with the reason) otherwise."""
        for position in (start, end):
            if position.root is not None and position.root != key:
                raise AnchorError(_("The selected text is not in this section."))
            if not self.holds(position, key):
                raise AnchorError(
                    _("The selected text is not in the saved document yet. Select it again.")
                )
        before = self.units(key, (start, end))
        # Which text an item belongs to is not exposed: insert a character at the start of
        # the section in a copy, and see that both positions move with it.
        probe = ascii_copy(self.doc)
        assert probe is not None  # self.units() succeeded on one already
        probe.get(key, type=Text).insert(0, "x")
        after = self.units(key, (start, end), doc=probe)
        for position, was, now in zip((start, end), before, after, strict=True):
            if position.root is None and now != was + 1:
                raise AnchorError(_("The selected text is not in this section."))
        if before[1] < before[0]:
            raise AnchorError(_("The end of the selection comes before its start."))
        return self.range(key, start, end)


def resolve(doc: Doc, key: str, anchor_start: str, anchor_end: str) -> AnchorRange | None:
    return LiveText(doc).resolve(key, anchor_start, anchor_end)


def locate_threads(postmortem_id: int, threads: Iterable[CommentThread]) -> dict[int, AnchorRange]:
    """Where each anchored thread's text is now, by thread id; threads whose anchors cannot
    be located are left out. Loads the live document once, and only if needed."""
    anchored = [t for t in threads if t.section_key and t.is_anchored]
    if not anchored:
        return {}
    doc, _last = load_doc(postmortem_id)
    live = LiveText(doc)
    ranges = {}
    for thread in anchored:
        located = live.resolve(thread.section_key, thread.anchor_start, thread.anchor_end)
        if located is not None:
            ranges[thread.pk] = located
    return ranges
