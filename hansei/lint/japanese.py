"""Japanese: blame on people and counterfactuals, found by particles and verb endings.

A clause (split at 「、」 unless the comma follows a subject particle) whose subject is a
person (〜さん, a role such as 担当者/作業者/オペレーター, 彼/彼女/私, a team other than our own,
an @handle) and whose predicate is a lapse (怠った, 忘れた, 見落とした, 〜しなかった, 誤って,
〜すべきだった, 〜していれば...) is blame. Without a person, the hindsight forms are
counterfactuals — unless the clause's subject is a system (アラート, フェイルオーバー...) or the
sentence says the behaviour is designed (設定どおり, そう設定されている): then it describes
what the system was meant to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hansei.lint.english import BLAME, COUNTERFACTUAL, Hit
from hansei.lint.lexicon import Lexicon, alternation
from hansei.lint.rewrite import (
    rewrite_japanese_blame,
    rewrite_japanese_if,
    rewrite_japanese_should,
)
from hansei.lint.sentences import Sentence

_NAME_CHARS = "一-龥々ァ-ヶー〇○"
_CLAUSE_COMMA = re.compile(r"[、，,]")
_SUBJECT_BEFORE_COMMA = re.compile(r"(?:(?<!で)は|も|[^たいるだすんし]が)\s*$")
# Another subject between a person and a predicate: the predicate is that subject's, unless
# that subject's own clause ends first (「決済に影響が出た時点で」「失敗していたことに」).
_OTHER_SUBJECT = re.compile(r"[一-龥々ァ-ヶーA-Za-z0-9]+(?:は|が)(?![ずい])")
_SUBORDINATE_END = re.compile(
    r"時点で|際に|際は|とき|時に|場合|ため|ので|から|ても|のに|にもかかわらず|にも関わらず"
    r"|後に|後で|前に|うちに|ことに|ことを|ことが|のは"
)
# A clause that goes on with the same subject: 「アラートを止め、…寝てしまった」.
_CONTINUES = re.compile(r"(?:[いきぎしじちにびみりえけげせぜてでねべめれ]|ながら|たり)\s*$")
_DESPITE = ("にもかかわらず", "にも関わらず")
_SHOULD = re.compile(r"べき(?:だった|であった|でした)")
_IF_DONE = re.compile(r"(?:て|で)(?:いれば|おけば|いたら|おれば)")
_NEGLECT = re.compile(r"怠[っらりるれ]")
_FORGOT = re.compile(r"忘れ|失念|見落と|見逃")
_NOT_DONE_BECAUSE = re.compile(
    r"を[^、。]{0,15}?(?:しなかった|せなかった|(?:て|で)いなかった|ておらず|てなかった)"
    r"(?:ため|ので|結果|ことで|ことから)"
)


class JapaneseRules:
    def __init__(self, lex: Lexicon) -> None:
        data = lex.data["ja"]
        people = "|".join(re.escape(p) for p in sorted(lex.ja_people, key=len, reverse=True))
        person = (
            rf"@[\w.-]+|(?<![{_NAME_CHARS}])[{_NAME_CHARS}]{{1,4}}(?:{alternation(data['honorifics'])})"
            rf"|{alternation(lex.ja_roles)}|彼女|彼ら|彼|私(?!たち|ども)|僕(?!たち|ら)|俺(?!たち|ら)"
            rf"|自分(?!たち)|(?<!私たちの)(?<!我々の)[{_NAME_CHARS}A-Za-z]{{1,8}}チーム"
            + (f"|{people}" if people else "")
        )
        self.not_people = frozenset(data["not_people"])
        self.person_subject = re.compile(rf"(?P<p>{person})\s*(?:が|(?<!で)は|も)(?!ず)")
        self.fail = re.compile(data["fail_after_person"])
        self.special = [
            re.compile(
                rf"(?P<p>{person})\s*(?:の|による|により)[^、。]{{0,10}}?(?:{data['blame_nouns']})"
            ),
            re.compile(rf"責任は[^。]{{0,20}}?(?P<p>{person})に(?:ある|あり)"),
        ]
        systems = alternation(data["system_nouns"], spaced=False)
        self.system_subject = re.compile(
            rf"(?:{systems}|[A-Za-z][\w.-]*|[ァ-ヶー]{{3,}})\s*(?:は|が|も)(?!ず)"
        )
        self.intended = re.compile(alternation(data["intended_markers"], spaced=False))

    def _clauses(self, text: str, sentence: Sentence) -> Iterator[tuple[int, int]]:
        start = sentence.start
        for comma in _CLAUSE_COMMA.finditer(text, sentence.start, sentence.end):
            if not _SUBJECT_BEFORE_COMMA.search(text, start, comma.start()):
                yield start, comma.start()
                start = comma.end()
        yield start, sentence.end

    def hits(self, text: str, sentence: Sentence) -> Iterator[Hit]:
        carried: re.Match[str] | None = None  # a person subject the next clause continues
        for start, end in self._clauses(text, sentence):
            hit, person = self._clause_hit(text, sentence, start, end, carried)
            if hit:
                yield hit
            carried = person if person and _CONTINUES.search(text, start, end) else None
        for pattern in self.special:
            for match in pattern.finditer(text, sentence.start, sentence.end):
                if match.group("p") not in self.not_people:
                    yield Hit(BLAME, match.start(), match.end())

    def _clause_hit(
        self, text: str, sentence: Sentence, start: int, end: int, carried: re.Match[str] | None
    ) -> tuple[Hit | None, re.Match[str] | None]:
        subjects = [
            s for s in self.person_subject.finditer(text, start, end)
            if s.group("p") not in self.not_people
        ]  # fmt: skip
        if not subjects and carried and not _blocking(text, start, end):
            lapse = self.fail.search(text, start, end)
            if lapse:
                return Hit(BLAME, carried.start(), lapse.end()), carried
        for subject in subjects:
            lapse = self.fail.search(text, subject.end(), end)
            if lapse and (
                lapse.group(0) in _DESPITE or not _blocking(text, subject.end(), lapse.start())
            ):
                suggestion = rewrite_japanese_blame(text[subject.end() : end])
                return Hit(BLAME, subject.start(), lapse.end(), suggestion), subject
        person = subjects[-1] if subjects else carried
        return self._counterfactual(text, sentence, start, end), person

    def _counterfactual(self, text: str, sentence: Sentence, start: int, end: int) -> Hit | None:
        designed = self.intended.search(text, sentence.start, sentence.end) is not None
        for pattern, design_sensitive in (
            (_SHOULD, True),
            (_IF_DONE, True),
            (_NEGLECT, False),
            (_NOT_DONE_BECAUSE, False),
            (_FORGOT, False),
        ):
            match = pattern.search(text, start, end)
            if not match or (design_sensitive and designed):
                continue
            system = self.system_subject.search(text, start, match.start())
            if system and not _SUBORDINATE_END.search(text, system.end(), match.start()):
                return None
            begin = start + len(text[start:end]) - len(text[start:end].lstrip())
            suggestion = self._suggest(text, begin, match)
            return Hit(COUNTERFACTUAL, begin, match.end(), suggestion)
        return None

    @staticmethod
    def _suggest(text: str, start: int, match: re.Match[str]) -> str:
        if match.re is _SHOULD:
            return rewrite_japanese_should(text[start : match.start()])
        if match.re is _IF_DONE:
            return rewrite_japanese_if(text[start : match.start() + 2])
        return ""


def _blocking(text: str, start: int, end: int) -> bool:
    """Whether another subject between ``start`` and ``end`` takes the predicate that
    follows (and not just its own subordinate clause)."""
    for other in _OTHER_SUBJECT.finditer(text, start, end):
        if not _SUBORDINATE_END.search(text, other.end(), end):
            return True
    return False
