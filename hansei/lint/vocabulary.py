"""What an admin adds without touching code: phrases per rule and language, people, roles,
and phrases that are never flagged.

The JSON form (``Vocabulary.from_dict``)::

    {
      "phrases": {"judgemental": {"en": ["half-baked", {"regex": "cowboy\\\\s+deploys?",
                                                        "suggest": "unreviewed deploy"}]}},
      "people": ["Alice Smith", "@alice"],
      "roles": {"en": ["release captain"], "ja": ["当番者"]},
      "allow": ["Blameless Bob", {"regex": "human error budget"}]
    }

A plain string is a literal phrase (case-insensitive, whole words in English); ``{"regex":
...}`` is a Python regular expression. Every entry is checked when the vocabulary is built:
a bad one raises ``VocabularyError`` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

LANGUAGES = ("en", "ja")
# Rules whose matching is driven by phrase lists, so a vocabulary can extend them.
PHRASE_RULES = (
    "blame-person",
    "counterfactual",
    "human-error",
    "judgemental",
    "action-vague",
    "action-training-only",
)


class VocabularyError(ValueError):
    """A custom vocabulary entry is malformed; the message says which one and why."""


@dataclass(frozen=True)
class Phrase:
    pattern: str
    regex: bool = False
    suggest: str = ""

    def to_regex(self, lang: str) -> str:
        if self.regex:
            return self.pattern
        words = r"\s+".join(re.escape(w) for w in self.pattern.split())
        if lang == "en":
            return rf"(?<![\w@-]){words}(?![\w-])"
        return words


@dataclass(frozen=True)
class Vocabulary:
    phrases: tuple[tuple[str, str, Phrase], ...] = ()  # (rule id, language, phrase)
    people: tuple[str, ...] = ()  # display names and @handles
    roles: tuple[tuple[str, str], ...] = ()  # (language, role noun)
    allow: tuple[Phrase, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for rule_id, lang, phrase in self.phrases:
            index = seen[rule_id, lang] = seen.get((rule_id, lang), -1) + 1
            where = f'phrases["{rule_id}"]["{lang}"][{index}]'
            if rule_id not in PHRASE_RULES:
                raise VocabularyError(
                    f"{where}: rule {rule_id!r} takes no phrases "
                    f"(use one of: {', '.join(PHRASE_RULES)})"
                )
            _check_lang(lang, where)
            _check_phrase(phrase, where, lang)
        for lang, role in self.roles:
            _check_lang(lang, "roles")
            if not role.strip():
                raise VocabularyError(f'roles["{lang}"]: a role cannot be empty')
        for person in self.people:
            if not person.strip().lstrip("@"):
                raise VocabularyError("people: a name or @handle cannot be empty")
        for index, phrase in enumerate(self.allow):
            _check_phrase(phrase, f"allow[{index}]", "en")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vocabulary:
        if not isinstance(data, Mapping):
            raise VocabularyError("a vocabulary is a JSON object")
        unknown = set(data) - {"phrases", "people", "roles", "allow"}
        if unknown:
            raise VocabularyError(
                f"unknown key(s): {', '.join(sorted(unknown))} "
                "(expected phrases, people, roles, allow)"
            )
        return cls(
            phrases=tuple(_parse_phrases(data.get("phrases") or {})),
            people=tuple(_strings(data.get("people") or [], "people")),
            roles=tuple(
                (lang, role)
                for lang, roles in _mapping(data.get("roles") or {}, "roles").items()
                for role in _strings(roles, f'roles["{lang}"]')
            ),
            allow=tuple(
                _parse_phrase(entry, f"allow[{i}]")
                for i, entry in enumerate(_list(data.get("allow") or [], "allow"))
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        phrases: dict[str, dict[str, list[Any]]] = {}
        for rule_id, lang, phrase in self.phrases:
            phrases.setdefault(rule_id, {}).setdefault(lang, []).append(_phrase_json(phrase))
        roles: dict[str, list[str]] = {}
        for lang, role in self.roles:
            roles.setdefault(lang, []).append(role)
        return {
            "phrases": phrases,
            "people": list(self.people),
            "roles": roles,
            "allow": [_phrase_json(p) for p in self.allow],
        }

    def merged(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(
            phrases=self.phrases + other.phrases,
            people=self.people + other.people,
            roles=self.roles + other.roles,
            allow=self.allow + other.allow,
        )

    def with_people(self, people: Iterable[str]) -> Vocabulary:
        extra = tuple(p for p in people if p and p.strip().lstrip("@"))
        return replace(self, people=self.people + extra) if extra else self


def _check_lang(lang: str, where: str) -> None:
    if lang not in LANGUAGES:
        raise VocabularyError(f"{where}: unknown language {lang!r} (use en or ja)")


def _check_phrase(phrase: Phrase, where: str, lang: str) -> None:
    if not phrase.pattern.strip():
        raise VocabularyError(f"{where}: a phrase cannot be empty")
    try:
        compiled = re.compile(phrase.to_regex(lang), re.IGNORECASE)
    except re.error as exc:
        raise VocabularyError(
            f"{where}: invalid regular expression {phrase.pattern!r}: {exc}"
        ) from None
    if compiled.search("") is not None:
        raise VocabularyError(
            f"{where}: regular expression {phrase.pattern!r} matches empty text, so it would "
            "flag everything"
        )


def _parse_phrases(data: Any) -> Iterable[tuple[str, str, Phrase]]:
    for rule_id, by_lang in _mapping(data, "phrases").items():
        for lang, entries in _mapping(by_lang, f'phrases["{rule_id}"]').items():
            where = f'phrases["{rule_id}"]["{lang}"]'
            for i, entry in enumerate(_list(entries, where)):
                yield rule_id, lang, _parse_phrase(entry, f"{where}[{i}]")


def _parse_phrase(entry: Any, where: str) -> Phrase:
    if isinstance(entry, str):
        return Phrase(entry)
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"regex", "phrase", "suggest"}
        if unknown or ("regex" in entry) == ("phrase" in entry):
            raise VocabularyError(
                f'{where}: give either "phrase" or "regex" (and optionally "suggest")'
            )
        pattern = entry.get("regex", entry.get("phrase"))
        suggest = entry.get("suggest", "")
        if not isinstance(pattern, str) or not isinstance(suggest, str):
            raise VocabularyError(f"{where}: phrase, regex and suggest are strings")
        return Phrase(pattern, regex="regex" in entry, suggest=suggest)
    raise VocabularyError(f"{where}: expected a string or an object, got {type(entry).__name__}")


def _phrase_json(phrase: Phrase) -> Any:
    if not phrase.regex and not phrase.suggest:
        return phrase.pattern
    key = "regex" if phrase.regex else "phrase"
    return {key: phrase.pattern, **({"suggest": phrase.suggest} if phrase.suggest else {})}


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise VocabularyError(f"{where}: expected an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise VocabularyError(f"{where}: expected a list")
    return value


def _strings(value: Any, where: str) -> list[str]:
    items = _list(value, where)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise VocabularyError(f"{where}[{i}]: expected a string")
    return items
