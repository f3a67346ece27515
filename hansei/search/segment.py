"""Japanese word segmentation for the search index.

Neither SQLite's ``unicode61`` tokenizer nor PostgreSQL's default parser can split Japanese into
words: a whole run of kana and kanji becomes one token. So the index stores a *segmented* copy
of the text where SudachiPy has put a space between Japanese words (and between Japanese and
adjacent Latin letters or digits), and queries are segmented the same way. Text in other
scripts is left exactly as it was, so English keeps its stemming.

``desegment`` undoes the inserted spaces for display, so snippets read naturally.
"""

from __future__ import annotations

import re
import threading
from typing import Any

# Hiragana, katakana (incl. the long vowel mark), CJK ideographs, iteration marks, half-width kana.
_JA_CHARS = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_JA_RUN = re.compile(f"([{_JA_CHARS}]+)")
# Sudachi refuses very long inputs; Japanese runs are normally short (punctuation ends them).
_MAX_RUN = 2000
# Characters the snippet functions insert around a match; never present in indexed text.
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKS = f"{MARK_START}{MARK_END}"
# A space between a Japanese character and a word character (either order), possibly with
# highlight marks on either side: it was inserted by ``segment`` and is removed for display.
_INSERTED_SPACE = re.compile(
    f"(?:(?<=[{_JA_CHARS}])|(?<=[{_JA_CHARS}][{_MARKS}]))"
    f" (?=[{_MARKS}]?[^\\W_])"
    f"|(?:(?<=[^\\W_])|(?<=[^\\W_][{_MARKS}]))"
    f" (?=[{_MARKS}]?[{_JA_CHARS}])"
)
WORD = re.compile(r"[^\W_]+")

_dictionary: Any = None
_dictionary_lock = threading.Lock()
_local = threading.local()


def _tokenizer() -> Any:
    """One Sudachi tokenizer per thread over a dictionary loaded once per process."""
    global _dictionary
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
            tokenizer = _dictionary.tokenizer(mode=SplitMode.A)
        _local.tokenizer = tokenizer
    return tokenizer


def japanese_words(run: str) -> list[str]:
    tokenizer = _tokenizer()
    words: list[str] = []
    for start in range(0, len(run), _MAX_RUN):
        words += [m.surface() for m in tokenizer.tokenize(run[start : start + _MAX_RUN])]
    return [w for w in words if w.strip()]


def _clean(text: str) -> str:
    # The highlight marks must never come from the text itself.
    return text.replace(MARK_START, "").replace(MARK_END, "")


def segment(text: str) -> str:
    """The text with a space between Japanese words; everything else unchanged."""
    parts = _JA_RUN.split(_clean(text))
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            continue
        words = " ".join(japanese_words(part))
        before = out[-1][-1:] if out and out[-1] else ""
        after = parts[i + 1][:1] if i + 1 < len(parts) else ""
        lead = " " if WORD.match(before) else ""
        trail = " " if WORD.match(after) else ""
        out.append(f"{lead}{words}{trail}")
    return "".join(out)


def desegment(text: str) -> str:
    """Remove the spaces ``segment`` inserted (those next to a Japanese character)."""
    return _INSERTED_SPACE.sub("", text)


def query_phrases(query: str) -> list[list[str]]:
    """The query as phrases of tokens, every phrase required.

    Only letters and digits survive, so no operator or quote of any query language can get
    through; punctuation alone is dropped. Latin words keep their inner order as a phrase
    (``don't`` → ``["don", "t"]``); each Japanese word is a phrase of its own, since Japanese is
    written without spaces: ``データベース障害`` also finds ``データベースの障害``.
    """
    phrases: list[list[str]] = []
    for word in query.split():
        for i, part in enumerate(_JA_RUN.split(_clean(word))):
            if i % 2:
                phrases += [[w] for w in japanese_words(part) if WORD.fullmatch(w)]
            elif tokens := WORD.findall(part):
                phrases.append(tokens)
    return phrases
