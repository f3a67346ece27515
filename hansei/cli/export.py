"""``hansei export``: postmortems as Markdown, JSON, HTML, PDF or one zip bundle.

A published postmortem exports its latest published revision (what the archive shows, even
while an amendment is being drafted); an unpublished one exports its current content. The
operator at the command line reads everything: the documents link to what an admin would see.
Markdown, JSON and HTML go to standard output or, with ``--output DIR``, one file per
postmortem; PDF needs ``--output``; the zip bundle (every published revision too, with an
index page) is one file, written to ``--output`` or standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hansei.cli.errors import CommandFailed

if TYPE_CHECKING:
    from hansei.postmortems.document.models import Postmortem


def postmortem_data(postmortem: Postmortem) -> dict[str, Any]:
    from hansei.postmortems.document.snapshot import build_snapshot

    revision = postmortem.latest_revision() if postmortem.is_published else None
    if revision is not None:
        return dict(revision.snapshot)
    return build_snapshot(postmortem)


def render(data: dict[str, Any], fmt: str) -> str:
    from hansei.postmortems.document.snapshot import snapshot_to_markdown

    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return snapshot_to_markdown(data)


SUFFIXES = {"markdown": "md", "json": "json", "html": "html", "pdf": "pdf"}


def file_name(data: dict[str, Any], fmt: str) -> str:
    from django.utils.text import slugify

    stem = slugify(data["title"], allow_unicode=True)[:60].strip("-") or "postmortem"
    return f"{data['id']:04d}-{stem}.{SUFFIXES[fmt]}"


def _operator() -> Any:
    """The reader a command-line export is made for: an admin, never saved."""
    from hansei.accounts.models import User

    return User(username="operator", is_superuser=True)


def _shown(postmortem: Postmortem) -> Any:
    return postmortem.latest_revision() if postmortem.is_published else None


def _document(postmortem: Postmortem, data: dict[str, Any], fmt: str) -> str | bytes:
    from hansei.postmortems.document import standalone

    if fmt == "html":
        return standalone.standalone_html(postmortem, _shown(postmortem), reader=_operator())
    if fmt == "pdf":
        return standalone.postmortem_pdf(postmortem, _shown(postmortem), reader=_operator())
    return render(data, fmt)


def _bundle(postmortems: list[Postmortem]) -> bytes:
    from hansei.postmortems.document import standalone

    exports = [standalone.exported(p, _shown(p)) for p in postmortems]
    return standalone.bundle(exports, reader=_operator())


def _select(args: argparse.Namespace) -> list[Postmortem]:
    from hansei.postmortems.document.models import Postmortem

    if args.all and args.ids:
        raise CommandFailed("give IDs or --all, not both")
    if not args.all and not args.ids:
        raise CommandFailed("say which postmortems to export: IDs or --all")
    qs = Postmortem.objects.select_related("team", "owner").order_by("pk")
    if args.all:
        return list(qs)
    found = {p.pk: p for p in qs.filter(pk__in=args.ids)}
    missing = [str(pk) for pk in args.ids if pk not in found]
    if missing:
        raise CommandFailed(f"no postmortem with ID {', '.join(missing)}")
    return [found[pk] for pk in dict.fromkeys(args.ids)]


def export(args: argparse.Namespace) -> int:
    from hansei.postmortems.document.pdf import PdfUnavailable
    from hansei.postmortems.document.services import note_export

    if args.format == "pdf" and not args.output:
        raise CommandFailed("PDFs are written to files: give --output DIR")
    postmortems = _select(args)
    documents = [postmortem_data(p) for p in postmortems]
    try:
        if args.format == "zip":
            _write_bytes(args.output, _bundle(postmortems))
        elif args.output:
            _write_files(Path(args.output), postmortems, documents, args.format)
        else:
            sys.stdout.write(_to_stdout(postmortems, documents, args))
    except PdfUnavailable as error:
        raise CommandFailed(str(error)) from error
    for postmortem, data in zip(postmortems, documents, strict=True):
        revision = data.get("revision") or _revision_of(postmortem)
        note_export(actor=None, postmortem=postmortem, fmt=args.format, revision=revision)
    return 0


def _write_files(
    folder: Path, postmortems: list[Postmortem], documents: list[dict[str, Any]], fmt: str
) -> None:
    # Everything is laid out first: a PDF that cannot be made leaves no half-written folder.
    files = [
        (file_name(data, fmt), _document(postmortem, data, fmt))
        for postmortem, data in zip(postmortems, documents, strict=True)
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, body in files:
            path = folder / name
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise CommandFailed(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    print(f"Wrote {len(files)} file(s) to {folder}.")


def _write_bytes(output: str | None, body: bytes) -> None:
    """The bundle to the file ``output`` (a folder: a dated file in it), or to stdout."""
    if not output:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    from django.utils import timezone

    path = Path(output)
    if path.is_dir():
        path = path / f"hansei-export-{timezone.now():%Y%m%d-%H%M%S}.zip"
    try:
        path.write_bytes(body)
    except OSError as exc:
        raise CommandFailed(f"cannot write to {path}: {exc.strerror or exc}") from exc
    print(f"Wrote {path}.")


def _revision_of(postmortem: Postmortem) -> int | None:
    latest = postmortem.latest_revision() if postmortem.is_published else None
    return latest.number if latest else None


def _to_stdout(
    postmortems: list[Postmortem], documents: list[dict[str, Any]], args: argparse.Namespace
) -> str:
    """One ID: one document. Several or --all: a JSON array, or Markdown/HTML split apart."""
    if args.format == "json":
        single = len(args.ids) == 1 and not args.all
        payload: Any = documents[0] if single else documents
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    separator = "\n---\n\n" if args.format == "markdown" else "\n"
    return separator.join(
        str(_document(postmortem, data, args.format))
        for postmortem, data in zip(postmortems, documents, strict=True)
    )
