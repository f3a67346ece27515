"""``hansei export``: postmortems as Markdown or JSON.

A published postmortem exports its latest published revision (what the archive shows, even
while an amendment is being drafted); an unpublished one exports its current content.
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


def file_name(data: dict[str, Any], fmt: str) -> str:
    from django.utils.text import slugify

    stem = slugify(data["title"], allow_unicode=True)[:60].strip("-") or "postmortem"
    return f"{data['id']:04d}-{stem}.{'json' if fmt == 'json' else 'md'}"


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
    from hansei.postmortems.document.services import note_export

    postmortems = _select(args)
    documents = [postmortem_data(p) for p in postmortems]
    for postmortem, data in zip(postmortems, documents, strict=True):
        revision = data.get("revision") or _revision_of(postmortem)
        note_export(actor=None, postmortem=postmortem, fmt=args.format, revision=revision)
    if args.output:
        folder = Path(args.output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for data in documents:
                (folder / file_name(data, args.format)).write_text(
                    render(data, args.format), encoding="utf-8"
                )
        except OSError as exc:
            raise CommandFailed(f"cannot write to {folder}: {exc.strerror or exc}") from exc
        print(f"Wrote {len(documents)} file(s) to {folder}.")
        return 0
    sys.stdout.write(_to_stdout(documents, args))
    return 0


def _revision_of(postmortem: Postmortem) -> int | None:
    latest = postmortem.latest_revision() if postmortem.is_published else None
    return latest.number if latest else None


def _to_stdout(documents: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """One ID: one document. Several or --all: a JSON array, or Markdown split by rules."""
    if args.format == "json":
        single = len(args.ids) == 1 and not args.all
        payload: Any = documents[0] if single else documents
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    return "\n---\n\n".join(render(data, "markdown") for data in documents)
