"""Export bundles and standalone documents: a zip a reader downloads from the reading view,
and ``hansei export --format html|pdf|zip`` for the operator. Each holds what its reader may
read, reads offline (style inlined, links between its files relative) and links into Hansei
at its public address."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from hansei.cli.main import main
from hansei.conftest import FULL_CHECKLIST
from hansei.core.models import AuditEvent
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import (
    publish_postmortem,
    start_amendment,
    update_section,
)
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _amend(postmortem: Postmortem, author: Any, text: str) -> Postmortem:
    amended = start_amendment(actor=author, postmortem=postmortem)
    update_section(actor=author, section=amended.sections.get(key="summary"), body=text)
    return amended


def _publish_amendment(postmortem: Postmortem, author: Any, reviewer: Any, text: str) -> None:
    amended = _amend(postmortem, author, text)
    [review] = submit_for_review(actor=author, postmortem=amended, reviewers=[reviewer])
    approve_review(actor=reviewer, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(actor=author, postmortem=amended, change_note="Summary rewritten.")


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_a_reader_downloads_every_published_revision_as_one_bundle(
    published_postmortem: Any, alice: Any, rita: Any, charlie: Any
) -> None:
    _publish_amendment(published_postmortem, alice, rita, "Revision two summary zqa.")
    _amend(published_postmortem, alice, "Unreviewed draft text zqd.")
    client = Client()
    client.force_login(charlie)

    response = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "zip"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith(f'postmortem-{published_postmortem.pk}.zip"')
    archive = _zip(response.content)
    folder = f"{published_postmortem.pk:04d}-checkout-api-returned-500s"
    assert sorted(archive.namelist()) == sorted(
        [
            "index.html",
            f"{folder}/index.html",
            f"{folder}/postmortem.md",
            f"{folder}/postmortem.json",
            f"{folder}/revisions/1.html",
            f"{folder}/revisions/1.md",
        ]
    )
    page = archive.read(f"{folder}/index.html").decode()
    assert "Revision two summary zqa." in page and "zqd" not in page
    assert "<style>" in page and 'href="/' not in page  # styled, and no link left relative
    assert f'href="{settings.BASE_URL}/' in page
    assert json.loads(archive.read(f"{folder}/postmortem.json"))["revision"] == 2
    first = archive.read(f"{folder}/revisions/1.md").decode()
    assert "Payments failed for 50 minutes" in first and "zqa" not in first
    assert f'href="{folder}/revisions/1.html"' in archive.read("index.html").decode()
    entry = AuditEvent.objects.filter(action="postmortem.exported", actor=charlie).get()
    assert entry.detail == "zip, revision 2"


def test_a_writer_bundles_the_amendment_they_are_drafting(
    published_postmortem: Any, alice: Any
) -> None:
    _amend(published_postmortem, alice, "Draft summary zqd.")
    client = Client()
    client.force_login(alice)
    archive = _zip(
        client.get(reverse("postmortems:export", args=[published_postmortem.pk, "zip"])).content
    )
    folder = f"{published_postmortem.pk:04d}-checkout-api-returned-500s"
    assert "Draft summary zqd." in archive.read(f"{folder}/index.html").decode()
    assert f"{folder}/revisions/1.html" in archive.namelist()
    assert "zqd" not in archive.read(f"{folder}/revisions/1.md").decode()


def test_a_draft_bundle_is_refused_to_those_outside_its_team(
    make_postmortem: Any, charlie: Any
) -> None:
    draft = make_postmortem()
    client = Client()
    client.force_login(charlie)
    assert client.get(reverse("postmortems:export", args=[draft.pk, "zip"])).status_code == 404
    assert client.get(reverse("postmortems:export", args=[draft.pk, "docx"])).status_code == 404


# --- the command line ----------------------------------------------------------------------


def test_the_operator_bundles_the_whole_archive_into_one_zip(
    published_postmortem: Any, make_postmortem: Any, make_incident: Any, tmp_path: Path
) -> None:
    draft = make_postmortem(incident=make_incident(title="Search timed out"))

    assert main(["export", "--all", "--format", "zip", "--output", str(tmp_path)]) == 0

    [written] = list(tmp_path.iterdir())
    assert written.name.startswith("hansei-export-") and written.suffix == ".zip"
    archive = _zip(written.read_bytes())
    index = archive.read("index.html").decode()
    assert "Checkout API returned 500s" in index and "Search timed out" in index
    assert f"{draft.pk:04d}-search-timed-out/postmortem.md" in archive.namelist()
    assert (
        AuditEvent.objects.filter(action="postmortem.exported", detail__startswith="zip").count()
        == 2
    )

    target = tmp_path / "archive.zip"
    assert main(["export", str(draft.pk), "--format", "zip", "--output", str(target)]) == 0
    assert [n.split("/")[0] for n in _zip(target.read_bytes()).namelist()] == [
        f"{draft.pk:04d}-search-timed-out"
    ] * 3 + ["index.html"]


def test_the_operator_exports_standalone_html_and_pdf(
    published_postmortem: Any, tmp_path: Path, capsys: Any
) -> None:
    pk = str(published_postmortem.pk)
    assert main(["export", pk, "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!doctype html>") and "Payments failed for 50 minutes" in page
    assert "<style>" in page and "@page" not in page

    assert main(["export", pk, "--format", "pdf", "--output", str(tmp_path)]) == 0
    [pdf] = list(tmp_path.glob("*.pdf"))
    assert pdf.name == f"{published_postmortem.pk:04d}-checkout-api-returned-500s.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Checkout API returned 500s" in text and "Revision 1, published" in text


def test_a_pdf_export_says_what_is_missing_and_writes_nothing(
    published_postmortem: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    pk = str(published_postmortem.pk)
    assert main(["export", pk, "--format", "pdf"]) == 2
    assert "give --output DIR" in capsys.readouterr().err

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if Pango were not installed
    out = tmp_path / "pdfs"
    assert main(["export", pk, "--format", "pdf", "--output", str(out)]) == 2
    assert "libpango-1.0-0" in capsys.readouterr().err
    assert not out.exists()
    assert not AuditEvent.objects.filter(action="postmortem.exported").exists()
