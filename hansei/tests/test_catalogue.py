"""The Japanese catalogue as Django reads it: no translation shows a placeholder its English
text does not have (a plural's form leaking into a plain word, as 「インシデント（%(N)S 件）」
once did)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.utils import translation

import hansei

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_no_translation_has_a_placeholder_its_english_lacks() -> None:
    """A plain text's translation has only its placeholders; so has a plural's first form,
    unless a context keeps it apart (gettext of the same plain words falls back to it)."""
    # Hansei's own catalogue (Django's merged one also holds Django's and its apps' texts).
    locale = Path(hansei.__file__).parent / "locale"
    catalogue = gettext.translation("django", locale, languages=["ja"])._catalog  # type: ignore[attr-defined]
    wrong = []
    for key, text in catalogue.items():
        msgid, form = (key, None) if isinstance(key, str) else key
        if not msgid or form not in (None, 0):
            continue  # the header; a plural's other forms
        context, _sep, english = msgid.rpartition("\x04")
        if form == 0 and context:
            continue  # a plural with its context: plain gettext never reaches it
        extra = set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(english))
        if extra:
            wrong.append(f"{english!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


def test_a_plain_word_and_a_counted_heading_translate_apart() -> None:
    with translation.override("ja"):
        assert translation.gettext("Incident") == "インシデント"
        assert (
            translation.npgettext("heading with a count", "Incident", "Incidents (%(n)s)", 3)
            % {"n": 3}
            == "インシデント（3 件）"
        )
