"""Sentences with their offsets, and the language each is written in."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from hansei.lint.markup import BREAK

LANGS = ("auto", "en", "ja")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")
_BOUNDARY = re.compile(
    rf"(?<=[.!?])[\"”’')\]]*(?=\s+[^a-z\s])|(?<=[。！？])[」』）)]*|\n[ \t\r]*\n|{BREAK}"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    lang: str


def is_japanese(text: str) -> bool:
    """Japanese when kana/kanji make a meaningful share of the letters (a Japanese sentence
    keeps its English product names; an English one may quote a Japanese word)."""
    ja = len(_JA_CHAR.findall(text))
    return ja >= 2 and ja * 3 >= len(_LATIN.findall(text))


def detect_language(text: str) -> str:
    return "ja" if is_japanese(text) else "en"


def split_sentences(masked: str, lang: str = "auto") -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(masked):
        _add(masked, start, match.end(), lang, sentences)
        start = match.end()
    _add(masked, start, len(masked), lang, sentences)
    return sentences


def _add(masked: str, start: int, end: int, lang: str, out: list[Sentence]) -> None:
    chunk = masked[start:end]
    stripped = chunk.strip()
    if not stripped or not any(c.isalnum() for c in stripped):
        return
    left = start + (len(chunk) - len(chunk.lstrip()))
    right = start + len(chunk.rstrip())
    sentence_lang = lang if lang != "auto" else detect_language(stripped)
    out.append(Sentence(left, right, sentence_lang))


class SentenceIndex:
    """Which sentence an offset falls in, by binary search."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self._starts = [s.start for s in sentences]

    def at(self, offset: int) -> int | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return i
        return None
