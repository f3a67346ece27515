"""PDF of a postmortem: the reading view's document laid out by WeasyPrint (with Pango and
the CJK fonts the CI installs), of the latest revision or any older one; without Pango, a 503
that says what to install."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from hansei.core.models import AuditEvent
from hansei.postmortems.document.services import start_amendment, update_section

pytestmark = pytest.mark.django_db
DUMMY = "django.core.cache.backends.dummy.DummyCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def _text(response: Any) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_reader_downloads_the_published_revision_as_a_pdf(
    published_postmortem: Any, alice: Any, charlie: Any
) -> None:
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    update_section(actor=alice, section=amended.sections.get(key="summary"), body="zqx draft")
    client = Client()
    client.force_login(charlie)
    response = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "pdf"]))
    text = _text(response)
    assert published_postmortem.title in text
    assert "Payments failed for 50 minutes" in text and "zqx" not in text
    assert response["Content-Disposition"].endswith(f'postmortem-{published_postmortem.pk}-r1.pdf"')
    same = client.get(reverse("postmortems:revision_pdf", args=[published_postmortem.pk, 1]))
    assert "Revision 1, published" in _text(same)
    entry = AuditEvent.objects.filter(action="postmortem.exported", actor=charlie).first()
    assert entry is not None and entry.detail == "pdf, revision 1"
    assert (
        client.get(
            reverse("postmortems:revision_pdf", args=[published_postmortem.pk, 9])
        ).status_code
        == 404
    )


def test_japanese_text_is_laid_out_with_a_japanese_font(make_postmortem: Any, alice: Any) -> None:
    postmortem = make_postmortem()
    update_section(
        actor=alice,
        section=postmortem.sections.get(key="summary"),
        body="検索APIへのリクエストが失敗した。",
    )
    client = Client()
    client.force_login(alice)
    text = _text(client.get(reverse("postmortems:export", args=[postmortem.pk, "pdf"])))
    assert "検索APIへのリクエストが失敗した。" in text.replace("\n", "")


def test_without_pango_the_pdf_answers_503_and_says_what_to_install(
    published_postmortem: Any, alice: Any, monkeypatch: Any, settings: Any
) -> None:
    # Nothing laid out earlier (another test's same document) may answer for it.
    settings.CACHES = {**settings.CACHES, "pdf": {"BACKEND": DUMMY}}
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it could not be loaded
    client = Client()
    client.force_login(alice)
    response = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "pdf"]))
    assert response.status_code == 503
    assert "libpango-1.0-0" in response.content.decode()
    page = client.get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    assert page.status_code == 200  # everything else works


def test_the_same_document_asked_again_is_not_laid_out_again(
    published_postmortem: Any, charlie: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.CACHES = {**settings.CACHES, "pdf": {"BACKEND": LOCMEM, "LOCATION": "pdf-test"}}
    client = Client()
    client.force_login(charlie)
    url = reverse("postmortems:revision_pdf", args=[published_postmortem.pk, 1])
    first = client.get(url)
    assert published_postmortem.title in _text(first)

    # Asked again without WeasyPrint at hand: the PDF laid out a moment ago answers.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    # Another reader's document (their own language) is laid out for them: here, it cannot.
    other = Client()
    other.force_login(
        type(charlie).objects.create_user("kenji", "kenji@example.com", language="ja")
    )
    assert other.get(url).status_code == 503
