"""A search query as the index is asked: groups of alternatives, each group one thing asked for.

``payment db timeouts`` is three groups; ``db`` also looks for ``database`` (a synonym), a word
the index does not know also looks for the indexed words one or two letters away
(``paymnet`` → ``payment``), and English stop words are dropped when other words remain. A
document's *coverage* is how many groups it matches: all of them first, then most of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from hansei.search.analysis import _DATA, JA_RUN, Word, normalize, words

Phrase = tuple[str, ...]
# A query has at most this many groups (a 200-character query rarely has more).
MAX_GROUPS = 24


@dataclass
class Group:
    surface: str  # the words as typed
    alternatives: list[Phrase]  # any one of them matches; the first is what was typed
    stop: bool = False
    # One Latin word typed as such: if the index does not know it, it may be a typo.
    may_be_typo: bool = False
    correction: str | None = None  # the indexed word a typo was taken for

    @property
    def terms(self) -> set[str]:
        return {term for phrase in self.alternatives for term in phrase}


@dataclass
class Query:
    groups: list[Group] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def corrected(self) -> str | None:
        """The query with each typo replaced by its correction ("did you mean"), or None."""
        if not any(g.correction for g in self.groups):
            return None
        return " ".join(g.correction or g.surface for g in self.groups)


def _phrase(text: str) -> Phrase:
    return tuple(term for word in words(text) for term in word.terms[:1])


def synonym_phrases(line: str) -> list[Phrase]:
    """The different phrases of a synonym line ("cert, certificate")."""
    return list(dict.fromkeys(p for p in (_phrase(w) for w in line.split(",")) if p))


def built_in_synonyms() -> list[str]:
    return list(_DATA["synonyms"])


@cache
def _built_in_sets() -> tuple[tuple[Phrase, ...], ...]:
    """The built-in synonym lines, analysed once per process."""
    sets = (tuple(synonym_phrases(line)) for line in _DATA["synonyms"])
    return tuple(phrases for phrases in sets if len(phrases) > 1)


def synonym_sets(extra: Iterable[str] = ()) -> list[list[Phrase]]:
    """The built-in synonym lines and ``extra`` ones, each a list of phrases of terms."""
    sets = [list(phrases) for phrases in _built_in_sets()]
    sets += [p for p in (synonym_phrases(line) for line in extra) if len(p) > 1]
    return sets


def _typed_groups(text: str) -> list[Group]:
    """One group per word typed (a hyphenated word is one phrase)."""
    groups: list[Group] = []
    for chunk in normalize(text).split():
        pieces = JA_RUN.split(chunk)
        for i, piece in enumerate(pieces):
            found: list[Word] = words(piece)
            if i % 2:  # Japanese: each word its own group
                groups += [Group(w.surface, [w.terms[:1]], stop=w.stop) for w in found]
            elif found:
                phrase = tuple(w.terms[0] for w in found)
                stop = all(w.stop for w in found)
                surface = " ".join(w.surface for w in found)
                groups.append(Group(surface, [phrase], stop=stop, may_be_typo=len(found) == 1))
    return groups


def _apply_synonyms(groups: list[Group], sets: list[list[Phrase]]) -> list[Group]:
    """Replace the longest run of groups spelling a synonym by one group of all the forms of
    every synonym line it is on ("certificate" is on "cert, certificate" and "証明書, …")."""
    out: list[Group] = []
    i = 0
    while i < len(groups):
        length, forms = 0, list[Phrase]()
        for phrases in sets:
            for phrase in phrases:
                n = len(phrase)
                typed = tuple(t for g in groups[i : i + n] for t in g.alternatives[0])
                if typed != phrase or n < length:
                    continue
                if n > length:
                    length, forms = n, list[Phrase]()
                forms += phrases
        if not length:
            out.append(groups[i])
            i += 1
            continue
        run = groups[i : i + length]
        typed = tuple(t for g in run for t in g.alternatives[0])
        merged = list(dict.fromkeys([typed, *forms]))
        out.append(Group(" ".join(g.surface for g in run), merged, stop=all(g.stop for g in run)))
        i += length
    return out


def parse_query(text: str, *, extra_synonyms: Iterable[str] = ()) -> Query:
    """The groups of a query; typos are corrected by ``correct_typos`` (it needs the index)."""
    groups = _apply_synonyms(_typed_groups(text), synonym_sets(extra_synonyms))
    if not all(g.stop for g in groups):
        groups = [g for g in groups if not g.stop]
    return Query(groups[:MAX_GROUPS])
