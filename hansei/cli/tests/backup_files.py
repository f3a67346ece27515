"""Backup files for the tests: their members, and copies damaged in every way a file can be.

``rewrite`` changes a manifest or a member of a real backup (``rehash`` keeps the checksums
right, so the damage gets past the file checks and reaches the database).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def members(file: Path) -> dict[str, bytes]:
    with tarfile.open(file, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def rows(member: bytes) -> list[Any]:
    return [json.loads(line) for line in member.splitlines()]


def rewrite(
    source: Path,
    target: Path,
    manifest: Callable[[dict[str, Any]], None] = lambda m: None,
    member: tuple[str, Callable[[bytes], bytes]] | None = None,
    rehash: bool = False,
) -> Path:
    """A copy of a backup with its manifest and/or one member changed."""
    contents = members(source)
    data = json.loads(contents.pop("manifest.json"))
    if member is not None:
        name, change = member
        contents[name] = change(contents[name])
        if rehash:
            body = contents[name]
            data["members"][name] = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    manifest(data)
    with gzip.open(target, "wb") as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
        for name, body in {"manifest.json": json.dumps(data).encode(), **contents}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return target


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1 :]


def _truncated(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes()[: src.stat().st_size * 2 // 3])
    return dst


def _flipped(src: Path, dst: Path) -> Path:
    dst.write_bytes(flip_a_byte(src.read_bytes()))
    return dst


def _not_a_backup(src: Path, dst: Path) -> Path:
    dst.write_text("hello")
    return dst


def _changed_member(src: Path, dst: Path) -> Path:
    return rewrite(src, dst, member=("tables/accounts_user.jsonl", flip_a_byte))


def _newer_format(src: Path, dst: Path) -> Path:
    return rewrite(src, dst, manifest=lambda m: m.update(format_version=2))


def _newer_migrations(src: Path, dst: Path) -> Path:
    return rewrite(src, dst, manifest=lambda m: m["migrations"]["accounts"].append("9999_x"))


def _older_migrations(src: Path, dst: Path) -> Path:
    return rewrite(src, dst, manifest=lambda m: m["migrations"]["accounts"].pop())


def _missing_member(src: Path, dst: Path) -> Path:
    extra = {"tables/extra.jsonl": {"size": 1, "sha256": "0" * 64}}
    return rewrite(src, dst, manifest=lambda m: m["members"].update(extra))


DAMAGES: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "truncated": (_truncated, "is damaged or truncated"),
    "a flipped byte": (_flipped, "is damaged"),
    "not a backup": (_not_a_backup, "not a Hansei backup"),
    "a changed member": (_changed_member, "accounts_user.jsonl does not match its checksum"),
    "a newer format": (_newer_format, "made by a newer Hansei"),
    "newer migrations": (_newer_migrations, "made by a newer Hansei"),
    "older migrations": (_older_migrations, "made by an older Hansei"),
    "a missing member": (_missing_member, "is truncated: 1 member(s) missing"),
}
