"""The y-websocket wire protocol (y-protocols' sync, awareness and auth messages).

Every WebSocket frame is one message: ``varUint(type)`` then its payload.

* sync (0): ``varUint(step)`` + ``varBytes`` — step 1 carries a state vector, step 2 and
  update carry a Yjs update;
* awareness (1): ``varBytes`` of ``varUint(n)`` × (``varUint(clientID)``, ``varUint(clock)``,
  ``varString(JSON state or "null")``);
* auth (2): ``varUint(0)`` + ``varString(reason)`` = permission denied;
* query awareness (3): no payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pycrdt import write_var_uint

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

MAX_AWARENESS_STATE = 4096  # bytes of JSON per client: a name, a colour, a cursor


class ProtocolError(ValueError):
    """A frame that does not follow the protocol."""


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtocolError("truncated number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def read_var_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = read_var_uint(data, pos)
    end = pos + length
    if end > len(data):
        raise ProtocolError("truncated payload")
    return data[pos:end], end


def var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def var_string(text: str) -> bytes:
    return var_bytes(text.encode())


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP1]) + var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP2]) + var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_UPDATE]) + var_bytes(update)


def awareness_message(payload: bytes) -> bytes:
    return bytes([MESSAGE_AWARENESS]) + var_bytes(payload)


def permission_denied(reason: str) -> bytes:
    return bytes([MESSAGE_AUTH, 0]) + var_string(reason)


@dataclass
class Message:
    kind: int
    step: int = -1  # sync messages only
    payload: bytes = b""


def parse(frame: bytes) -> Message:
    kind, pos = read_var_uint(frame, 0)
    if kind == MESSAGE_SYNC:
        step, pos = read_var_uint(frame, pos)
        if step not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise ProtocolError(f"unknown sync step {step}")
        payload, _ = read_var_bytes(frame, pos)
        return Message(kind, step, payload)
    if kind == MESSAGE_AWARENESS:
        payload, _ = read_var_bytes(frame, pos)
        return Message(kind, payload=payload)
    if kind == MESSAGE_QUERY_AWARENESS:
        return Message(kind)
    raise ProtocolError(f"unknown message type {kind}")


@dataclass
class AwarenessEntry:
    client_id: int
    clock: int
    state: dict[str, Any] | None  # None: the client left


def decode_awareness(payload: bytes) -> list[AwarenessEntry]:
    count, pos = read_var_uint(payload, 0)
    entries = []
    for _ in range(min(count, 1000)):
        client_id, pos = read_var_uint(payload, pos)
        clock, pos = read_var_uint(payload, pos)
        raw, pos = read_var_bytes(payload, pos)
        if len(raw) > MAX_AWARENESS_STATE:
            raise ProtocolError("awareness state too large")
        try:
            state = json.loads(raw.decode())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ProtocolError("awareness state is not JSON") from error
        if state is not None and not isinstance(state, dict):
            raise ProtocolError("awareness state is not an object")
        entries.append(AwarenessEntry(client_id, clock, state))
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    parts = [write_var_uint(len(entries))]
    for entry in entries:
        state = json.dumps(entry.state, ensure_ascii=False, separators=(",", ":"))
        parts += [write_var_uint(entry.client_id), write_var_uint(entry.clock), var_string(state)]
    return b"".join(parts)
