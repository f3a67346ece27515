"""A postmortem as a PDF, laid out by WeasyPrint from the reading view's document.

WeasyPrint lays text out with Pango, a system library (``libpango-1.0-0``,
``libpangoft2-1.0-0``; Japanese needs a CJK font such as ``fonts-noto-cjk``). It is loaded
when a PDF is asked for, not when Hansei starts: without Pango everything else works and the
PDF answers 503 saying what to install."""

from __future__ import annotations

import hashlib

from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.utils.translation import gettext as _


class PdfUnavailable(Exception):
    """PDFs cannot be made on this server; the message says why."""


def stylesheet() -> str:
    """The one stylesheet, inlined: the PDF fetches nothing over the network."""
    path = finders.find("hansei/hansei.css")
    if not path:
        return ""
    with open(str(path), encoding="utf-8") as css:
        return css.read()


# A PDF this large is laid out again when asked for, not kept.
MAX_CACHED = 4 * 1024 * 1024


def render_pdf(html: str) -> bytes:
    """``html`` laid out as a PDF. The same document (the same HTML: the same text, reader's
    language and zone) asked for again within the hour is not laid out again: laying out
    takes seconds, and a public report's link is open to anyone holding it."""
    key = "pdf:" + hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
    kept = caches["pdf"].get(key)
    if isinstance(kept, bytes):
        return kept
    body = _laid_out(html)
    if len(body) <= MAX_CACHED:
        caches["pdf"].set(key, body)
    return body


def _laid_out(html: str) -> bytes:
    try:
        from weasyprint import HTML  # Pango is loaded here, when it is needed
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            _(
                "PDFs need WeasyPrint and the Pango library on the server "
                "(apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk): %(error)s"
            )
            % {"error": str(error)[:200]}
        ) from error

    def no_fetching(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        # Images and links in the text stay links: a PDF never fetches outside content.
        raise ValueError(f"not fetched: {url[:100]}")

    return bytes(HTML(string=html, url_fetcher=no_fetching).write_pdf())
