"""English: blame on people and counterfactuals, found by failure verbs and their subjects.

One pass of one compiled pattern finds the places where blame can be (failure verbs, modal
"should have", "without checking", "because Bob..."); only there is the clause read to find
its subject. Phrase rules (human error, judgemental words) are plain pattern scans.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from hansei.lint.english_subjects import (
    CAPITALIZED,
    NONE,
    OTHER,
    PERSON,
    TEAM,
    UNNAMED,
    Subject,
    Subjects,
)
from hansei.lint.lexicon import Lexicon, alternation
from hansei.lint.markup import BREAK
from hansei.lint.rewrite import RewriteEnglish
from hansei.lint.sentences import Sentence, SentenceIndex

BLAME, COUNTERFACTUAL = "blame-person", "counterfactual"
# Verbs that only people do: a capitalized unknown word before them is a name, not a product.
HUMAN_ONLY = re.compile(
    r"forg|neglect|misread|mistyped|misconfigured|misjudged|overlooked|bypassed|made|messed"
    r"|screwed|fat-fingered|was\s+careless"
    r"|wasn|was\s+not|was\s+distracted|accidentally|mistakenly|inadvertently|carelessly",
    re.IGNORECASE,
)
# Adverbials that mark a person's slip even after an unknown capitalized name ("Joaquín").
STRONG_LAPSE = re.compile(
    r"accidentally|mistakenly|inadvertently|carelessly|by\s+(?:mistake|accident)"
    r"|without\s+(?:telling|asking|checking|waiting|reviewing|testing|informing)",
    re.IGNORECASE,
)
# Lapses a team can own in its own voice ("we missed the alert") that are still hindsight.
TEAM_LAPSES = re.compile(r"ignored|overlooked|missed|skipped|bypassed|dropped", re.IGNORECASE)
_BOUNDARY = re.compile(
    rf"[;—–()\"“”{BREAK}]|[,:](?=\s)|\s-\s|\b(?:because|since|so|but|although|though|while|when|whereas"
    r"|until|after|before|and|or|then|unless|once|as|if|whether|where|which)\b",
    re.IGNORECASE,
)
_PARTICIPLE_ENDINGS = ("ed", "en", "wn", "ne", "ht", "lt", "pt", "ut", "it", "ad", "un", "et")
_RELATIVE = re.compile(r"\b(?:who|that|which)\b", re.IGNORECASE)
_BY_AGENT = re.compile(r"\s+by\s+(?!\w+ing\b)(?P<agent>[^,;.]{1,60})", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    rule: str
    start: int
    end: int
    suggestion: str = ""


def _verb_forms(data: dict[str, object]) -> list[str]:
    irregular: dict[str, list[str]] = data["irregular"]  # type: ignore[assignment]
    forms = []
    for base in data["lapse_verbs"]:  # type: ignore[attr-defined]
        forms += [base, *irregular.get(base, [])]
        if base not in irregular:
            stem = base[:-1] if base.endswith("e") else base
            forms.append(stem[:-1] + "ied" if base.endswith("y") else stem + "ed")
    return forms


class EnglishRules:
    def __init__(self, lex: Lexicon) -> None:
        data = lex.data["en"]
        self.subjects = s = Subjects(lex)
        self.rewrite = RewriteEnglish(data)
        self.human_pp = frozenset(data["human_pp"])
        self.system_pp = frozenset(data["system_pp"])
        self.cf_system = frozenset(data["cf_system_verbs"])
        self.intended = re.compile(rf"\b(?:{alternation(data['intended_markers'])})\b", re.I)
        lapse = alternation(_verb_forms(data))
        self.trigger = re.compile(_trigger_source(lapse), re.IGNORECASE)
        who = rf"(?P<who>{s.person_ref})"
        # "Sarah's mistake", "Daniel's change to the retry config caused": found from the
        # possessive, then the words before it are checked for a person (a scan that starts
        # with the big name/role alternation would cost most of the linting time).
        self.possessive = re.compile(
            r"['’]s\s+(?:(?:[\w-]+\s+){0,2}?(?:mistake|error|fault|oversight|negligence"
            r"|carelessness|inattention|typo|slip|blunder|lapse|screw-?up|incompetence"
            r"|laziness)s?\b|(?:misconfigured|broken|faulty|buggy|untested|sloppy|bad)\s+[\w-]+"
            r"|(?:[\w-]+\s+)?(?:change|deploy(?:ment)?|commit|command|script|PR"
            r"|pull\s+request|push|migration|query|decision)\b(?:\s+(?:to|in|on|of|for)\s+"
            r"[^,;.]{1,40}?)?\s+(?:caused|triggered|broke|took\s+down|brought\s+down|led\s+to)\b)",
            re.IGNORECASE,
        )
        self.person_before = re.compile(rf"{who}$", re.IGNORECASE)
        self.special = [
            re.compile(p, re.IGNORECASE)
            for p in (
                rf"\b(?:caused|triggered|started|introduced)\s+by\s+{who}",
                rf"\b(?:typo|mistake|error|slip|oversight|blunder)s?\s+(?:made\s+)?by\s+{who}",
                rf"\bit\s+was\s+{who}\s+who\b",
                rf"\b(?:blame|fault)\s+(?:lies|rests|is|lay|rested|was)\s+(?:\w+ly\s+)?(?:with|on)"
                rf"\s+{who}",
            )
        ]
        self.conditional = re.compile(
            rf"\bif\s+(?:only\s+)?(?P<subj>[^,;.{BREAK}]{{1,60}}?)\s+had(?:n['’]t|\s+not)?\s+"
            r"(?:\w+ly\s+)?(?P<been>been\s+)?(?P<verb>[\w-]+)",
            re.IGNORECASE,
        )
        self.inversion = re.compile(
            rf"\bhad\s+(?P<subj>we|(?-i:I)|anyone|anybody|someone|somebody|the\s+team"
            rf"|{s.person_ref})\s+(?:\w+ly\s+)?[\w-]+(?:ed|en|wn|ne|ht|ead)\b",
            re.IGNORECASE,
        )

    def hits(
        self, text: str, sentences: Sequence[Sentence], index: SentenceIndex
    ) -> Iterator[tuple[int, Hit]]:
        """Blame and counterfactual hits in the English sentences of the masked text. Each
        pattern scans the whole text once (per-sentence scans cost more in call overhead)."""

        def where(match: re.Match[str]) -> tuple[int, Sentence] | None:
            at = index.at(match.start())
            if at is None or sentences[at].lang != "en" or match.end() > sentences[at].end:
                return None
            return at, sentences[at]

        for match in self.trigger.finditer(text):
            if found := where(match):
                hit = self._trigger_hit(text, found[1], match)
                if hit:
                    yield found[0], hit
        for pattern in self.special:
            for match in pattern.finditer(text):
                if found := where(match):
                    yield found[0], Hit(BLAME, match.start(), match.end())
        for match in self.possessive.finditer(text):
            if found := where(match):
                window = max(found[1].start, match.start() - 80)
                person = self.person_before.search(text, window, match.start())
                if person:
                    yield found[0], Hit(BLAME, person.start(), match.end())
        for pattern in (self.conditional, self.inversion):
            for match in pattern.finditer(text):
                if (found := where(match)) and (hit := self._conditional(text, found[1], match)):
                    yield found[0], hit

    def _trigger_hit(self, text: str, sentence: Sentence, match: re.Match[str]) -> Hit | None:
        kind = next(k for k in _KINDS if match.group(k) is not None)
        if kind == "because":
            return self._because(text, sentence, match)
        if kind == "adverbial":
            subject = self._leading_subject(text, sentence, match.start())
            who = subject[0].kind
            named = who == CAPITALIZED and STRONG_LAPSE.match(match.group(0))
            rule = BLAME if who == PERSON or named else None
        else:
            subject = self._subject(text, sentence, match.start())
            rule = self._decide(kind, subject[0].kind, match, text, sentence)
        if rule is None:
            return None
        start = min(subject[1], match.start())
        suggestion = self.rewrite.suggest(
            kind, match, text[start : match.start()], text[match.end() : sentence.end]
        )
        return Hit(rule, start, match.end(), suggestion)

    def _decide(
        self, kind: str, who: str, match: re.Match[str], text: str, sentence: Sentence
    ) -> str | None:
        words = match.group(0)
        if who == PERSON or (who == CAPITALIZED and HUMAN_ONLY.search(words)):
            return BLAME if kind != "passive" else COUNTERFACTUAL
        team_like = who in (TEAM, UNNAMED)
        if kind == "neg":
            bother = match.group("negverb").lower().startswith("bother")
            return COUNTERFACTUAL if who == UNNAMED or (team_like and bother) else None
        if kind in ("failed", "modal") and team_like:
            return COUNTERFACTUAL
        if kind in ("forgot", "neglect"):
            return COUNTERFACTUAL if team_like or who == NONE else None
        if kind == "lapse":
            return COUNTERFACTUAL if team_like and TEAM_LAPSES.search(words) else None
        if kind == "passive":
            return self._passive(text, sentence, match)
        if kind == "modal":
            return self._system_modal(text, sentence, match)
        return None

    def _passive(self, text: str, sentence: Sentence, match: re.Match[str]) -> str | None:
        agent = _BY_AGENT.match(text, match.end(), sentence.end)
        if agent:
            return BLAME if self.subjects.classify(agent.group("agent")).kind == PERSON else None
        return COUNTERFACTUAL

    def _system_modal(self, text: str, sentence: Sentence, match: re.Match[str]) -> str | None:
        """A thing as the subject of "should have": hindsight only when it names a missed
        human action ("should have been tested", "would have caught this"), not when it
        states designed behaviour ("the alert should have fired at 5%, as configured")."""
        if self.intended.search(text, sentence.start, sentence.end):
            return None
        verb = match.group("pp").lower()
        if match.group("been"):
            if verb in self.system_pp or not verb.endswith(_PARTICIPLE_ENDINGS):
                return None
            agent = _BY_AGENT.match(text, match.end(), sentence.end)
            return COUNTERFACTUAL if agent is None else None
        return COUNTERFACTUAL if verb in self.cf_system else None

    def _subject(self, text: str, sentence: Sentence, at: int) -> tuple[Subject, int]:
        """The subject of the clause that ends at ``at``: the clause itself read as a noun
        phrase, or the part after a relative pronoun; when the clause is empty ("... and
        never re-enabled it"), the sentence's own subject."""
        clause_start, elided = self._clause_start(text, sentence.start, at)
        starts = [clause_start] + [
            clause_start + m.end() for m in _RELATIVE.finditer(text, clause_start, at)
        ]
        best: tuple[Subject, int] | None = None
        for start in starts:
            subject = self.subjects.classify(text[start:at])
            if subject.kind in (PERSON, TEAM, UNNAMED):
                return subject, start + subject.offset
            best = best or (subject, start + subject.offset)
        assert best is not None
        if best[0].kind == NONE and elided:
            return self._sentence_subject(text, sentence)
        return best

    def _leading_subject(self, text: str, sentence: Sentence, at: int) -> tuple[Subject, int]:
        clause_start, elided = self._clause_start(text, sentence.start, at)
        subject = self.subjects.leading(text[clause_start:at])
        if subject.kind in (NONE, OTHER) and (elided or subject.kind == NONE):
            head = text[clause_start:at].strip().split(" ", 1)[0].lower()
            if subject.kind == NONE or head.endswith("ing") or self.subjects.is_past_verb(head):
                return self._sentence_subject(text, sentence)
        return subject, clause_start + subject.offset

    def _sentence_subject(self, text: str, sentence: Sentence) -> tuple[Subject, int]:
        subject = self.subjects.leading(text[sentence.start : sentence.end])
        return subject, sentence.start + subject.offset

    def _clause_start(self, text: str, floor: int, at: int) -> tuple[int, bool]:
        last = None
        for last in _BOUNDARY.finditer(text, floor, at):  # noqa: B007 - the last one counts
            pass
        if last is None:
            return floor, False
        elided = last.group(0).strip().lower() in (",", "and", "but", "then", "or", "so")
        return last.end(), elided

    def _because(self, text: str, sentence: Sentence, match: re.Match[str]) -> Hit | None:
        subject = self.subjects.leading(text[match.end() : sentence.end])
        if subject.kind != PERSON:
            return None
        start = match.end() + subject.offset
        end = text.find(" ", start + 1, sentence.end)
        end = text.find(" ", end + 1, sentence.end) if end > 0 else -1
        return Hit(BLAME, start, end if end > 0 else sentence.end)

    def _conditional(self, text: str, sentence: Sentence, match: re.Match[str]) -> Hit | None:
        who = self.subjects.classify(match.group("subj")).kind
        if match.re is self.inversion:
            before, _ = self._clause_start(text, sentence.start, match.start())
            if text[before : match.start()].strip(" ,\u2029"):
                return None  # "had we ..." only opens a clause
            return Hit(BLAME if who == PERSON else COUNTERFACTUAL, match.start(), match.end())
        verb = match.group("verb").lower()
        if who == PERSON:
            return Hit(BLAME, match.start(), match.end())
        if who in (TEAM, UNNAMED) or (match.group("been") and verb in self.human_pp):
            return Hit(COUNTERFACTUAL, match.start(), match.end())
        return None


_KINDS = ("neg", "failed", "forgot", "neglect", "modal", "passive", "lapse", "adverbial", "because")


def _trigger_source(lapse: str) -> str:
    """One alternation behind a single word boundary (one boundary per alternative would
    make the scan several times slower)."""
    nt = r"(?:n['’]t|\s+not)"
    return (
        r"\b(?:"
        + "|".join(
            (
                rf"(?P<neg>(?:did{nt}|never|had{nt}|has{nt}|have{nt})\s+(?:even\s+|ever\s+)?"
                rf"(?P<negverb>{lapse})\b)",
                r"(?P<failed>fail(?:ed|s)?\s+to\s+(?!be\b)[\w-]+)",
                r"(?P<forgot>forg(?:ot|et|ets)\b(?:\s+to\s+[\w-]+)?)",
                r"(?P<neglect>neglect(?:ed|s)?\b(?:\s+to\s+[\w-]+)?)",
                rf"(?P<modal>(?:should|could|would|ought\s+to){nt}?\s+(?:\w+ly\s+|never\s+|also\s+)?"
                r"have\s+(?!to\b)(?P<been>been\s+)?(?P<pp>[\w-]+))",
                r"(?P<passive>(?:was|were|been|being|got)\s+(?:\w+ly\s+)?"
                r"(?:forgotten|neglected|overlooked|ignored|missed)\b)",
                r"(?P<lapse>(?:ignored|overlooked|missed|misread|mistyped|misconfigured|misjudged"
                r"|skipped|broke|caused|bypassed|botched|messed\s+up|screwed\s+up|dropped\s+the\s+ball"
                r"|made\s+an?\s+(?:\w+\s+)?(?:mistake|error|typo|blunder)|fat-fingered"
                r"|(?:was|were)\s+supposed\s+to|(?:is|are|was|were)\s+to\s+blame"
                r"|(?:was|were)\s+responsible\s+for\s+(?:the\s+|this\s+)?(?:outage|incident|failure"
                r"|problem|issue|data\s+loss|downtime|breach|leak)"
                rf"|(?:was|were){nt}\s+paying\s+attention|(?:was|were)\s+(?:careless|distracted"
                r"|sloppy|negligent))\b)",
                r"(?P<adverbial>(?:accidentally|mistakenly|inadvertently|carelessly|wrongly"
                r"|by\s+(?:mistake|accident)|without\s+(?!(?:any\s+|an?\s+)?(?:downtime|issues?"
                r"|problems?|errors?|incidents?|outages?|impact|interruption|data\s+loss|hitch"
                r"|trouble|delay|warning|notice)\b)[\w-]+|instead\s+of|(?:the|a)\s+wrong|bypassing"
                r"|skipping|ignoring|even\s+though|despite)\b)",
                r"(?P<because>because\s+(?!of\b))",
            )
        )
        + ")"
    )
