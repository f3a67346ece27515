"""Who is the subject of an English clause: a person, the team, an unnamed someone, or a thing.

Light grammar, no parser: the words before a failure verb must *be* a noun phrase whose head
is a person (a name, a @handle, he/she/I, a role such as "the on-call engineer", "the QA
team"), optionally followed by "on call", "of the PR", "who wrote the migration", "running
the migration" and adverbs. "The operator console failed" is not about a person: its head is
"console".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hansei.lint.lexicon import Lexicon, alternation
from hansei.lint.markup import BREAK

PERSON, TEAM, UNNAMED, CAPITALIZED, OTHER, NONE = (
    "person",
    "team",
    "unnamed",
    "capitalized",
    "other",
    "none",
)
HUMAN_MODIFIERS = [
    "release",
    "incident",
    "project",
    "product",
    "engineering",
    "program",
    "delivery",
    "account",
    "on-call",
    "oncall",
    "shift",
    "duty",
    "junior",
    "senior",
    "new",
    "human",
    "team",
    "tech",
    "technical",
    "change",
    "service",
    "deploy",
    "deployment",
    "network",
    "system",
    "site",
    "support",
    "qa",
    "ops",
    "devops",
    "security",
    "platform",
    "infra",
    "infrastructure",
    "database",
    "db",
    "data",
    "backend",
    "frontend",
    "mobile",
    "web",
    "cloud",
    "the",
    "our",
    "a",
    "an",
    "their",
    "that",
    "this",
    "same",
    "other",
    "former",
    "previous",
    "original",
    "responsible",
    "assigned",
    "primary",
    "secondary",
]
ADVERBS = (
    r"(?:\s+(?:\w+ly|also|just|then|never|really|still|again|even|had|has|have|already|later"
    r"|always|simply|somehow|once|too))*"
)
POST_MODIFIER = (
    r"(?:\s+(?:responsible\s+for|in\s+charge\s+of|assigned\s+to)\s+[^,;]{1,40}?)?"
    r"(?:\s+(?:on|of|from|in|at|for|with)\s+(?:the\s+|our\s+|their\s+|an?\s+)?[\w-]+"
    r"(?:\s+[\w-]+){0,2}?)?(?:,?\s+(?:who|that)\s+[^,;]+?|\s+[a-z]+ing\b[^,;]*?)?"
)
_FILLER = re.compile(
    r"^(?:\s|[-—–:,]|[^\w\s'\"“‘(\[@#]|\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:utc|jst|z)\b)?"
    r"|\b(?:at|around|by)\s+\d{1,2}:\d{2}(?:\s*utc\b)?|\b(?:in\s+hindsight|honestly|unfortunately"
    r"|sadly|frankly|basically|however|and|but|so|then|also|again|apparently|meanwhile|later"
    r"|finally|first|next)\b)+",
    re.IGNORECASE,
)
_SPACES = re.compile(rf"[\s{BREAK}]+")
_PAST_VERB = re.compile(r"[a-z][\w-]*ed", re.IGNORECASE)
_IRREGULAR_PAST_EXTRA = [
    "ran",
    "did",
    "took",
    "made",
    "set",
    "put",
    "let",
    "went",
    "broke",
    "forgot",
    "left",
    "sent",
    "wrote",
    "read",
    "saw",
    "knew",
    "gave",
    "got",
    "kept",
    "found",
    "built",
    "shut",
    "held",
    "told",
    "thought",
    "caught",
    "understood",
    "paid",
    "brought",
    "chose",
    "heard",
    "met",
    "woke",
    "began",
    "rang",
    "hit",
    "cut",
    "lost",
    "spent",
    "sold",
    "stood",
    "won",
]


@dataclass(frozen=True)
class Subject:
    kind: str
    offset: int  # where the subject starts in the text given to ``classify``


class Subjects:
    def __init__(self, lex: Lexicon) -> None:
        data = lex.data["en"]
        # Heads that also name software ("the connection manager", "the Postgres operator")
        # are people only when bare or after a modifier from data["human_modifiers"].
        ambiguous_heads = frozenset(data["ambiguous_roles"])
        roles = [r for r in lex.en_roles if r.split()[-1].lower() not in ambiguous_heads]
        ambiguous = [r for r in lex.en_roles if r.split()[-1].lower() in ambiguous_heads]
        names = alternation(n for n in lex.en_names if n.lower() not in data["not_names"])
        handles = r"@[\w.-]+"
        role_np = (
            rf"(?:(?:the|an?|our|their|his|her|its|this|that|one|another|each|every|some"
            rf"|[\w-]+['’]s)\s+)?(?:(?:[\w-]+['’]s|[\w-]+)\s+){{0,3}}?"
            rf"(?:{alternation(roles)})(?:e?s)?"
            rf"|(?:(?:{alternation(data['human_modifiers'])}|[\w-]+['’]s)\s+){{0,3}}?"
            rf"(?:{alternation(ambiguous)})s?"
        )
        team_np = (
            rf"(?:(?:the|their|an?|that|this)\s+)?(?:[\w-]+\s+){{1,3}}?"
            rf"(?:{alternation(data['team_heads'])})s?"
        )
        self.person_np = (
            rf"(?:{handles}|(?-i:\b(?:{names})\b(?:\s+[A-Z][\w'’-]+)?)|(?-i:I)\b|he\b|she\b"
            rf"|{team_np}\b|{role_np}\b)"
        )
        self.team_np = rf"(?:{alternation(data['team_voice'])})\b|our\s+(?:[\w-]+\s+){{1,2}}team"
        self.unnamed_np = rf"(?:{alternation(data['unnamed'])})\b"
        self.person_ref = (
            rf"(?:{handles}|(?-i:\b(?:{names})\b)|\b(?:he|she|him|her)\b"
            rf"|\b(?:the|our|an?|their|that|this)\s+(?:[\w-]+\s+){{0,2}}?(?:{role_np})\b"
            rf"|\b(?:the|their|an?)\s+(?:[\w-]+\s+){{1,2}}?team\b)"
        )
        tail = rf"{POST_MODIFIER}{ADVERBS}\s*"
        flags = re.IGNORECASE
        self._full = [
            (TEAM, re.compile(rf"(?:{self.team_np}){tail}", flags)),
            (UNNAMED, re.compile(rf"(?:{self.unnamed_np}){tail}", flags)),
            (PERSON, re.compile(rf"(?:{self.person_np}){tail}", flags)),
            (CAPITALIZED, re.compile(rf"(?-i:[A-Z][^\W\d_A-Z]+){ADVERBS}\s*", flags)),
        ]
        self._not_names = frozenset(data["not_names"])
        self._irregular_past = frozenset(
            [*data["irregular_past"], *(forms[0] for forms in data["irregular"].values())]
        )
        any_np = rf"(?:{self.team_np}|{self.unnamed_np}|{self.person_np}|(?-i:[A-Z][^\W\d_]+))"
        past = rf"[a-z][\w-]*ed|{alternation(self._irregular_past)}"
        self._prefix = re.compile(
            rf"(?P<np>{any_np})(?:\s+(?:on|of|from|in|at)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)?"
            rf"(?:\s+\w+ly)?\s+(?:(?:had|has|was|were|then|also|just)\s+)?(?P<verb>{past})\b",
            flags,
        )

    def classify(self, text: str) -> Subject:
        """The kind of the whole ``text`` read as a subject noun phrase."""
        clean, offset = strip_filler(text)
        if not clean:
            return Subject(NONE, offset)
        for kind, pattern in self._full:
            if pattern.fullmatch(clean):
                if kind == CAPITALIZED and clean.split()[0].lower() in self._not_names:
                    return Subject(OTHER, offset)
                return Subject(kind, offset)
        return Subject(OTHER, offset)

    def leading(self, text: str) -> Subject:
        """The kind of the noun phrase that starts ``text`` and is followed by a past-tense
        verb ("Bob pushed ...", "The QA team signed off ...")."""
        clean, offset = strip_filler(text)
        match = self._prefix.match(clean)
        if not match:
            whole = self.classify(text)  # "Kenji" before "accidentally deleted"
            if whole.kind in (PERSON, TEAM, UNNAMED):
                return whole
            return Subject(OTHER if clean else NONE, offset)
        return Subject(self.classify(match.group("np")).kind, offset)

    def is_past_verb(self, word: str) -> bool:
        lower = word.lower()
        return bool(_PAST_VERB.fullmatch(lower)) or lower in self._irregular_past


def strip_filler(text: str) -> tuple[str, int]:
    """``text`` without leading timestamps, connectives and spaces, and how much was cut."""
    match = _FILLER.match(text)
    cut = match.end() if match else 0
    rest = text[cut:]
    lead = len(rest) - len(rest.lstrip())
    return _SPACES.sub(" ", rest).strip(), cut + lead
