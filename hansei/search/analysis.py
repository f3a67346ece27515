"""How text becomes search terms: one analysis for documents and queries alike.

A *term* is what the index stores and what a query looks for:

* a Latin-script word: NFKC-normalized, lower case, Snowball-stemmed, then mapped to its word
  family (``language.json``: "expiry" and "expired" are one term, which stemming alone does
  not give);
* a Japanese word: Sudachi's normalized form (``切替`` and ``切り替え`` are one term), a verb
  as its noun form (``切り替えた`` → ``切り替え``), and a compound's smaller parts too
  (``証明書`` is also ``証明``), so a query for the part finds the compound.

Stop words (English function words; Japanese pronouns, adverbs, light verbs such as する and
いる, and a few function nouns) stay in the index, so a query made only of them still finds
something; they are marked, and a search drops them when other words remain. Japanese
particles, auxiliary verbs and symbols are neither indexed nor searched.

Terms contain only letters and digits: no operator of FTS5 or tsquery can come from text.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from sudachipy import Dictionary, SplitMode

_DATA = json.loads((Path(__file__).parent / "data" / "language.json").read_text("utf-8"))

# Hiragana, katakana (incl. the long vowel mark), CJK ideographs, iteration marks, half-width kana.
_JA_CHARS = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
JA_RUN = re.compile(f"([{_JA_CHARS}]+)")
WORD = re.compile(r"[^\W_]+")
# Sudachi refuses very long inputs; Japanese runs are normally short (punctuation ends them).
_MAX_RUN = 2000
MAX_TERM_LENGTH = 60
# Parts of speech that carry no meaning of their own: particles, auxiliaries, symbols.
_JA_SKIPPED = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
# The e- and i-row kana before a final る: an ichidan verb, whose stem is its noun form.
_ICHIDAN_STEM = re.compile("[えけげせぜてでねへべぺめれいきぎしじちぢにひびぴみり]る$")

STOP_WORDS_EN = frozenset(_DATA["stop_words_en"])
STOP_WORDS_JA = frozenset(_DATA["stop_words_ja"])
# Japanese words that carry little meaning of their own, by part of speech: pronouns,
# adnominals (この), conjunctions, interjections, adverbs, and "light" verbs (する, いる, ある).
_JA_STOP_POS = frozenset({"代名詞", "連体詞", "接続詞", "感動詞", "副詞"})

_stemmer_lock = threading.Lock()
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    with _stemmer_lock:  # a Snowball stemmer keeps state between calls
        return str(_stemmer.stemWord(word))


def _family_map() -> dict[str, str]:
    families: dict[str, str] = {}
    for line in _DATA["families"]:
        words = [w.strip().lower() for w in line.split(",") if w.strip()]
        for word in words:
            families[_stem(word)] = _stem(words[0])
    return families


_FAMILIES = _family_map()


def latin_term(word: str) -> str:
    """The term of one Latin-script word (letters and digits only)."""
    stem = _stem(word.lower())
    return _FAMILIES.get(stem, stem)[:MAX_TERM_LENGTH]


# --- Japanese ---------------------------------------------------------------------------------

_dictionary: Any = None
_dictionary_lock = threading.Lock()
_local = threading.local()


def _tokenizer() -> Any:
    """A Sudachi tokenizer (mode B words; their mode A parts come from ``split``), one per
    thread, over a dictionary loaded once per process."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        global _dictionary
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
            tokenizer = _dictionary.tokenizer(mode=SplitMode.B)
        _local.tokenizer = tokenizer
    return tokenizer


def _ja_term(morpheme: Any) -> str:
    term = str(morpheme.normalized_form())
    if morpheme.part_of_speech()[0] == "動詞" and _ICHIDAN_STEM.search(term):
        term = term[:-1]
    return term[:MAX_TERM_LENGTH]


@dataclass(frozen=True)
class Word:
    surface: str  # as written
    terms: tuple[str, ...]  # the first is the word's own; more for a compound's parts
    stop: bool = False  # an English stop word


def japanese_words(run: str) -> list[Word]:
    """The words of a run of Japanese characters, particles and symbols left out."""
    tokenizer = _tokenizer()
    found: list[Word] = []
    for start in range(0, len(run), _MAX_RUN):
        for morpheme in tokenizer.tokenize(run[start : start + _MAX_RUN]):
            if morpheme.part_of_speech()[0] in _JA_SKIPPED or not morpheme.surface().strip():
                continue
            terms = [_ja_term(morpheme)]
            parts = morpheme.split(SplitMode.A) if len(morpheme.surface()) > 2 else []
            if len(parts) > 1:
                terms += [_ja_term(p) for p in parts if p.part_of_speech()[0] not in _JA_SKIPPED]
            pos = morpheme.part_of_speech()
            stop = pos[0] in _JA_STOP_POS or pos[1] == "非自立可能" or terms[0] in STOP_WORDS_JA
            terms = list(dict.fromkeys(t for t in terms if t))
            found.append(Word(morpheme.surface(), tuple(terms), stop))
    return found


# --- text -------------------------------------------------------------------------------------


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def normalize(text: str) -> str:
    """NFKC (full-width letters become ASCII), without private-use characters."""
    return _PRIVATE_USE.sub("", unicodedata.normalize("NFKC", text))


def words(text: str) -> list[Word]:
    """Every word of a text, in order."""
    found: list[Word] = []
    for i, part in enumerate(JA_RUN.split(normalize(text))):
        if i % 2:
            found += japanese_words(part)
            continue
        for match in WORD.finditer(part):
            surface = match.group()
            found.append(Word(surface, (latin_term(surface),), surface.lower() in STOP_WORDS_EN))
    return found


def index_terms(text: str) -> str:
    """The text as the index stores it: its terms separated by spaces."""
    return " ".join(term for word in words(text) for term in word.terms)


def spans(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Where each word of ``text`` (already normalized) is (start, end) and its terms: for
    marking the words a query matched in a snippet."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for run in JA_RUN.finditer(text):
        position = run.start()
        for word in japanese_words(run.group()):
            start = text.find(word.surface, position, run.end())
            if start < 0:
                continue
            position = start + len(word.surface)
            found.append((start, position, word.terms))
    for match in WORD.finditer(JA_RUN.sub(lambda m: " " * len(m.group()), text)):
        found.append((match.start(), match.end(), (latin_term(match.group()),)))
    return sorted(found)
