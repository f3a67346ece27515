"""The backup file: a gzip-compressed tar holding ``manifest.json`` first, then the members.

The manifest says what the file is (format and version, Hansei version, database, migration
state, time, tables with their columns and row counts) and gives the size and SHA-256 of every
member. ``extract_verified`` reads the whole file and checks every member against it before
anything else looks at the data, so a damaged, truncated or tampered file is refused whole.

A file is written next to its final name and renamed into place when complete: a crash or a
full disk never leaves a half-written backup under the name, and an existing file is never
replaced unless asked.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hansei.core.backup.errors import BackupError

FORMAT = "hansei-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MEMBER_NAME = re.compile(r"^tables/[a-z0-9_]+\.jsonl$")
COPY_CHUNK = 1024 * 1024
STDIO = "-"


@dataclass(frozen=True)
class Member:
    name: str
    path: Path
    size: int
    sha256: str


class MemberWriter:
    """Writes one member's JSON lines to a work file, hashing and counting as it goes."""

    def __init__(self, name: str, work_dir: Path) -> None:
        if not MEMBER_NAME.match(name):
            raise ValueError(f"bad member name {name!r}")
        self.name = name
        self.path = work_dir / name.replace("/", "__")
        self.digest = hashlib.sha256()
        self.size = 0
        self.file = self.path.open("wb")

    def write_line(self, value: Any) -> None:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self.file.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> Member:
        self.file.close()
        return Member(self.name, self.path, self.size, self.digest.hexdigest())


def write_archive(
    out: IO[bytes], manifest: dict[str, Any], members: Iterable[Member], *, mtime: int
) -> None:
    with (
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=mtime) as gz,
        tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
        tar.addfile(_info(MANIFEST, len(data), mtime), io.BytesIO(data))
        for member in members:
            with member.path.open("rb") as file:
                tar.addfile(_info(member.name, member.size, mtime), file)


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    return info


def publish(target: str, *, force: bool, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file through ``write``: to standard output for ``-``, else atomically."""
    if target == STDIO:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    check_target(path, force=force)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as file:  # mkstemp: readable by its owner only
            write(file)
            file.flush()
            os.fsync(file.fileno())
        _move_into_place(Path(temp), path, force=force)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def check_target(path: Path, *, force: bool) -> None:
    if path.is_dir():
        raise BackupError(f"{path} is a directory: give the name of the file to write")
    if not path.parent.is_dir():
        raise BackupError(f"cannot write {path}: no directory {path.parent}")
    if path.exists() and not force:
        raise BackupError(f"{path} already exists: add --force to replace it")


def _move_into_place(temp: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temp, path)
    else:
        try:
            os.link(temp, path)  # unlike a rename, never replaces a file that appeared since
        except FileExistsError as exc:
            raise BackupError(f"{path} already exists: add --force to replace it") from exc
        temp.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# --- reading --------------------------------------------------------------------------------


def extract_verified(source: str, work_dir: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """The manifest and the members (as files in ``work_dir``), all checked against it."""
    try:
        if source == STDIO:
            return _extract(sys.stdin.buffer, source, work_dir)
        with Path(source).open("rb") as file:
            return _extract(file, source, work_dir)
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise BackupError(f"{source} is damaged or truncated, or not a Hansei backup") from exc
    except FileNotFoundError as exc:
        raise BackupError(f"no such file: {source}") from exc
    except IsADirectoryError as exc:
        raise BackupError(f"{source} is a directory, not a backup file") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from exc


def _extract(
    file: IO[bytes], source: str, work_dir: Path
) -> tuple[dict[str, Any], dict[str, Path]]:
    with (
        gzip.GzipFile(fileobj=file, mode="rb") as gz,
        tarfile.open(fileobj=gz, mode="r|") as tar,
    ):
        entries = iter(tar)
        first = next(entries, None)
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError(f"{source} is not a Hansei backup: it does not start with a manifest")
        if first.size > MAX_MANIFEST_BYTES:
            raise BackupError(f"{source} is not a Hansei backup: its manifest is too large")
        manifest = check_manifest(_read_all(tar, first), source)
        expected: dict[str, dict[str, Any]] = manifest["members"]
        found: dict[str, Path] = {}
        for entry in entries:
            found[entry.name] = _extract_member(tar, entry, expected, work_dir, source)
        while gz.read(COPY_CHUNK):  # to the end: gzip checks its CRC of everything there
            pass
    missing = sorted(expected.keys() - found.keys())
    if missing:
        raise BackupError(f"{source} is truncated: {len(missing)} member(s) missing")
    return manifest, found


def _read_all(tar: tarfile.TarFile, entry: tarfile.TarInfo) -> bytes:
    reader = tar.extractfile(entry)
    if reader is None:
        raise BackupError(f"{entry.name} is not a file")
    return reader.read()


def _extract_member(
    tar: tarfile.TarFile,
    entry: tarfile.TarInfo,
    expected: dict[str, dict[str, Any]],
    work_dir: Path,
    source: str,
) -> Path:
    if entry.name not in expected or not entry.isfile():
        raise BackupError(f"{source} holds {entry.name!r}, which its manifest does not list")
    reader = tar.extractfile(entry)
    assert reader is not None  # isfile()
    target = work_dir / entry.name.replace("/", "__")
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := reader.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    want = expected[entry.name]
    if size != want["size"] or digest.hexdigest() != want["sha256"]:
        raise BackupError(
            f"{source} is damaged: {entry.name} does not match its checksum in the manifest"
        )
    return target


def check_manifest(data: bytes, source: str) -> dict[str, Any]:
    """The parsed manifest, or a refusal when it is not one this Hansei can read."""
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"{source} is damaged: its manifest is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Hansei backup")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BackupError(f"{source} is damaged: its manifest has no format version")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"{source} was made by a newer Hansei ({manifest.get('hansei_version', '?')}, "
            f"backup format {version}); this one reads format {FORMAT_VERSION}: upgrade Hansei"
        )
    if not _well_formed(manifest):
        raise BackupError(f"{source} is damaged: its manifest is incomplete")
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    members, tables, migrations = (manifest.get(k) for k in ("members", "tables", "migrations"))
    if not (isinstance(members, dict) and isinstance(tables, list)):
        return False
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) for names in migrations.values()
    ):
        return False
    members_ok = all(
        MEMBER_NAME.match(name)
        and isinstance(m, dict)
        and isinstance(m.get("size"), int)
        and isinstance(m.get("sha256"), str)
        for name, m in members.items()
    )
    tables_ok = all(
        isinstance(t, dict)
        and isinstance(t.get("table"), str)
        and isinstance(t.get("rows"), int)
        and isinstance(t.get("columns"), list)
        and t.get("member") in members
        for t in tables
    )
    return members_ok and tables_ok
