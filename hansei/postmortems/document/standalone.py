"""A postmortem as files that stand on their own, outside Hansei: one HTML page with its
style inlined, a PDF laid out from that page, and zip bundles of both with the Markdown and
JSON beside them.

Everything here renders the reading view's document (``_document.html``) from a snapshot, so
the page, the PDF and the bundle read alike. Links into Hansei (an incident, a later
postmortem) point at ``settings.BASE_URL``; links between the files of a bundle are
relative, so an unpacked bundle reads offline. Nothing here checks permissions: the caller
chooses the postmortems and revisions (the pages through ``access``, the command line as the
operator) and ``reader`` only decides what the document links to."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from hansei.accounts.models import User
from hansei.postmortems.document import pdf
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.document.reading import document_context
from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown

# href="/incidents/3/" and src="/…", not "//host" (already absolute) nor "#anchor".
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass(frozen=True)
class Exported:
    """One postmortem as it leaves: ``revision`` None is its live content."""

    postmortem: Postmortem
    revision: Revision | None
    history: tuple[Revision, ...] = ()  # earlier published revisions, oldest first

    @cached_property
    def data(self) -> dict[str, Any]:
        """Built once: a draft's snapshot saves its live text first and reads every part."""
        if self.revision is not None:
            return dict(self.revision.snapshot, revision=self.revision.number)
        return build_snapshot(self.postmortem)

    @property
    def folder(self) -> str:
        stem = slugify(self.postmortem.title, allow_unicode=True)[:60].strip("-")
        return f"{self.postmortem.pk:04d}-{stem or 'postmortem'}"


def exported(postmortem: Postmortem, shown: Revision | None) -> Exported:
    """``shown`` (None: the live content) and the published revisions before it."""
    earlier = postmortem.revisions.order_by("number")
    if shown is not None:
        earlier = earlier.filter(number__lt=shown.number)
    return Exported(postmortem, shown, tuple(earlier))


def source_url(postmortem: Postmortem, revision: Revision | None) -> str:
    path = f"/postmortems/{postmortem.pk}/"
    if revision is not None:
        path += f"revisions/{revision.number}/"
    return settings.BASE_URL + path


def standalone_html(
    postmortem: Postmortem, revision: Revision | None, *, reader: User, for_pdf: bool = False
) -> str:
    """The document as one HTML page that needs nothing else: style inlined, every link
    absolute, every timeline entry shown."""
    context = document_context(postmortem, revision, reader=reader, show_all=True)
    context.update(
        css=pdf.stylesheet(),
        for_pdf=for_pdf,
        source_url=source_url(postmortem, revision),
        view_query="",
    )
    html = render_to_string("postmortems/standalone.html", context)
    return _ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{settings.BASE_URL}/", html)


def postmortem_pdf(postmortem: Postmortem, revision: Revision | None, *, reader: User) -> bytes:
    """Raises ``pdf.PdfUnavailable`` when this server cannot lay out PDFs."""
    return pdf.render_pdf(standalone_html(postmortem, revision, reader=reader, for_pdf=True))


def pdf_file_name(postmortem: Postmortem, revision: Revision | None) -> str:
    suffix = f"-r{revision.number}" if revision else ""
    return f"postmortem-{postmortem.pk}{suffix}.pdf"


def bundle(exports: list[Exported], *, reader: User) -> bytes:
    """A zip archive: per postmortem a folder with ``index.html``, ``postmortem.md`` and
    ``postmortem.json`` of what is exported, and each earlier published revision under
    ``revisions/``; at the top an ``index.html`` listing them all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for export in exports:
            _write_postmortem(archive, export, reader)
        archive.writestr("index.html", _index_html(exports))
    return buffer.getvalue()


def _write_postmortem(archive: zipfile.ZipFile, export: Exported, reader: User) -> None:
    folder = export.folder
    data = export.data
    archive.writestr(
        f"{folder}/index.html",
        standalone_html(export.postmortem, export.revision, reader=reader),
    )
    archive.writestr(f"{folder}/postmortem.md", snapshot_to_markdown(data))
    archive.writestr(
        f"{folder}/postmortem.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    )
    for earlier in export.history:
        name = f"{folder}/revisions/{earlier.number}"
        archive.writestr(f"{name}.html", standalone_html(export.postmortem, earlier, reader=reader))
        archive.writestr(
            f"{name}.md", snapshot_to_markdown(dict(earlier.snapshot, revision=earlier.number))
        )


def _index_html(exports: list[Exported]) -> str:
    rows = [
        {
            "folder": export.folder,
            "title": export.data.get("title", ""),
            "team": export.data.get("team", ""),
            "revision": export.revision,
            "status": export.postmortem.get_status_display(),
            "history": export.history,
        }
        for export in exports
    ]
    return render_to_string(
        "postmortems/bundle_index.html",
        {"rows": rows, "css": pdf.stylesheet(), "base_url": settings.BASE_URL},
    )
