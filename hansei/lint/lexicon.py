"""Built-in phrase data (data/en.json, data/ja.json) merged with a custom vocabulary and
compiled once: linting then only runs precompiled regular expressions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from hansei.lint.catalog import DATA
from hansei.lint.vocabulary import Phrase, Vocabulary

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@cache
def builtin(lang: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def alternation(words: Iterable[str], *, spaced: bool = True) -> str:
    """``a|b|c`` of literal words, longest first (so "new hire" wins over "new")."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    escaped = (re.escape(w) for w in unique)
    return "|".join(e.replace(r"\ ", r"\s+") if spaced else e for e in escaped)


def phrase_source(phrase: Phrase, lang: str) -> str:
    """The regex for a phrase. English regexes that start with a letter match whole words;
    others (punctuation, lookbehinds, anchors) say where they may match themselves."""
    if not phrase.regex or lang != "en" or not _starts_with_a_letter(phrase.pattern):
        return phrase.to_regex(lang)
    return rf"(?<![\w-])(?:{phrase.pattern})(?![\w-])"


def _starts_with_a_letter(pattern: str) -> bool:
    """Whether a regex's first character to match is a letter ("(?:operator|pilot)" is,
    "(?:!!|\\?!)" and "(?<=...)" are not), so that it can take whole-word boundaries."""
    while pattern.startswith(("(?:", "(")) and not pattern.startswith(("(?<", "(?=", "(?!")):
        pattern = pattern[3:] if pattern.startswith("(?:") else pattern[1:]
    return pattern[:1].isalpha()


def _combined(phrases: Sequence[Phrase], sources: list[str], lang: str) -> str:
    """One alternation to scan with. Whole-word English phrases share one leading boundary
    check: a boundary per alternative makes the scan many times slower."""
    bounded = [
        p.pattern if p.regex else p.to_regex("ja")
        for p, s in zip(phrases, sources, strict=True)
        if lang == "en" and s.startswith(r"(?<![\w-])")
    ]
    others = [s for s in sources if not (lang == "en" and s.startswith(r"(?<![\w-])"))]
    parts = [rf"(?<![\w-])(?:{'|'.join(bounded)})(?![\w-])"] if bounded else []
    return "|".join(parts + [f"(?:{s})" for s in others])


@dataclass(frozen=True)
class PhraseSet:
    """One rule's phrases in one language: one combined pattern to scan with, and the single
    patterns to find out which phrase matched (for its suggestion)."""

    combined: re.Pattern[str] | None
    singles: tuple[tuple[re.Pattern[str], str], ...] = ()

    @classmethod
    def build(cls, phrases: Sequence[Phrase], lang: str) -> PhraseSet:
        if not phrases:
            return cls(None)
        flags = re.IGNORECASE
        sources = [phrase_source(p, lang) for p in phrases]
        combined = re.compile(_combined(phrases, sources, lang), flags)
        singles = tuple(
            (re.compile(s, flags), p.suggest) for p, s in zip(phrases, sources, strict=True)
        )
        return cls(combined, singles)

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.combined.finditer(text) if self.combined else ()

    def search(self, text: str) -> re.Match[str] | None:
        return self.combined.search(text) if self.combined else None

    def suggestion_at(self, text: str, start: int) -> str:
        for pattern, suggest in self.singles:
            if pattern.match(text, start):
                return suggest
        return ""


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, str], PhraseSet]
    en_names: tuple[str, ...]
    en_roles: tuple[str, ...]
    ja_people: tuple[str, ...]
    ja_roles: tuple[str, ...]
    allow: re.Pattern[str] | None
    data: dict[str, dict[str, Any]] = field(default_factory=dict)

    def phrase_set(self, rule_id: str, lang: str) -> PhraseSet:
        return self.phrases.get((rule_id, lang)) or PhraseSet(None)


def _builtin_phrases(lang: str) -> list[tuple[str, Phrase]]:
    found = []
    for rule_id, entries in builtin(lang)["phrases"].items():
        for entry in entries:
            if isinstance(entry, str):
                found.append((rule_id, Phrase(entry)))
            else:
                found.append(
                    (
                        rule_id,
                        Phrase(
                            entry["regex"],
                            regex=True,
                            suggest=entry.get("suggest", ""),
                        ),
                    )
                )
    return found


def _people(vocabulary: Vocabulary) -> tuple[list[str], list[str]]:
    """Known names for English text and for Japanese text. @handles need no list: any
    @handle is a person."""
    names: list[str] = []
    ja: list[str] = []
    for person in vocabulary.people:
        person = person.strip()
        if person.startswith("@"):
            continue
        if _CJK.search(person):
            parts = person.replace("\u3000", " ").split()
            ja += ["".join(parts), *(p for p in parts if len(p) > 1)]
        else:
            names.append(person)
            names.extend(t for t in person.split() if len(t) > 2 and t[:1].isupper())
    return names, ja


@lru_cache(maxsize=32)
def lexicon_for(vocabulary: Vocabulary) -> Lexicon:
    phrases: dict[tuple[str, str], list[Phrase]] = {}
    for lang in ("en", "ja"):
        for rule_id, phrase in _builtin_phrases(lang):
            phrases.setdefault((rule_id, lang), []).append(phrase)
    for rule_id, lang, phrase in vocabulary.phrases:
        phrases.setdefault((rule_id, lang), []).append(phrase)
    names, ja_people = _people(vocabulary)
    allow = None
    if vocabulary.allow:
        allow = re.compile(
            "|".join(
                f"(?:{p.to_regex('en' if not _CJK.search(p.pattern) else 'ja')})"
                for p in vocabulary.allow
            ),
            re.IGNORECASE,
        )
    return Lexicon(
        phrases={key: PhraseSet.build(items, key[1]) for key, items in phrases.items()},
        en_names=tuple(builtin("en")["names"]) + tuple(names),
        en_roles=tuple(builtin("en")["roles"])
        + tuple(r for lang, r in vocabulary.roles if lang == "en"),
        ja_people=tuple(ja_people),
        ja_roles=tuple(builtin("ja")["roles"])
        + tuple(r for lang, r in vocabulary.roles if lang == "ja"),
        allow=allow,
        data={"en": builtin("en"), "ja": builtin("ja")},
    )
