"""Concrete rewrites: turn "Alice forgot to renew the certificate" into "The certificate was
not renewed: ...", and 「担当者が証明書の更新を怠った」 into 「証明書の更新が行われなかった…」.

They are proposals, not corrections: the reason after the colon is a prompt for what the
writer knows and the linter does not. When a sentence does not fit, the rule's generic advice
is shown instead (an empty string here).
"""

from __future__ import annotations

import re
from typing import Any

_REASONS = {
    "check": "nothing in the process required or automated this check",
    "remember": "the step depended on someone remembering it, with no automation or reminder",
    "communicate": "no process or tool prompted this communication",
    "notice": "the signal was easy to miss (say why: noise, routing, no page)",
    "other": "say what in the system or process allowed this",
}
_VERB_CLASSES = {
    "check": "check double-check verify validate test review read confirm look inspect",
    "remember": "renew rotate remove update restore re-enable scale back clean close revert "
    "roll disable enable patch upgrade lock remember apply turn switch stop pause run",
    "communicate": "tell inform notify communicate escalate page announce share warn mention "
    "report raise ask call reply answer",
    "notice": "notice recognise recognize catch spot acknowledge ack respond monitor heed listen",
}
_LAPSE_REWRITES = {
    "missed": ("caught", "say what made it easy to miss"),
    "overlooked": ("caught", "say what made it easy to miss"),
    "ignored": ("acted on", "say why it did not look urgent at the time"),
}
_PARTICLE = re.compile(r"^\s*(back|up|out|down|off|over)\b", re.IGNORECASE)
_OBJECT_END = re.compile(
    r"\s(?:for|before|after|until|during|within|since|when|because|so|and|but|while|even|in"
    r"|on|at|by|to|from|with|instead|if|though|although|despite)\b|[,;:.!?()\u2029]",
    re.IGNORECASE,
)
_REST_END = re.compile(r"[,;:.!?\u2029]|\s(?:and|but|so|because|which|while)\b", re.I)
_POSSESSIVE = re.compile(r"^(?:his|her|their|my|our)\s+", re.IGNORECASE)


class RewriteEnglish:
    def __init__(self, data: dict[str, Any]) -> None:
        self._irregular: dict[str, list[str]] = data["irregular"]
        self._base: dict[str, str] = {}
        for base in data["lapse_verbs"]:
            forms = self._irregular.get(base, [])
            for form in [base, *forms, self.participle(base)]:
                self._base.setdefault(form, base)
        self._class = {
            verb: name for name, verbs in _VERB_CLASSES.items() for verb in verbs.split()
        }

    def participle(self, base: str) -> str:
        if base in self._irregular:
            return self._irregular[base][1]
        if base.endswith("e"):
            return base + "d"
        if base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
            return base[:-1] + "ied"
        return base + "ed"

    def suggest(self, kind: str, match: re.Match[str], subject: str, after: str) -> str:
        words = match.group(0).split()
        if kind == "modal":
            verb = match.group("pp")
            if match.group("been") and subject:
                return self._passive(subject, verb, after)
            return self._object_first(verb, after, "other", already_participle=True)
        if kind == "lapse" and words[0].lower() in _LAPSE_REWRITES:
            done, reason = _LAPSE_REWRITES[words[0].lower()]
            return self._object_first(done, after, "", already_participle=True, reason=reason)
        if kind in ("neg", "failed", "forgot", "neglect") and len(words) > 1:
            base = self._base.get(words[-1].lower(), words[-1].lower())
            reason = "remember" if kind in ("forgot", "neglect") else self._class.get(base, "other")
            return self._object_first(base, after, reason)
        return ""

    def _object_first(
        self,
        verb: str,
        after: str,
        reason_class: str,
        *,
        already_participle: bool = False,
        reason: str = "",
    ) -> str:
        particle = _PARTICLE.match(after)
        if particle:
            verb, after = f"{verb} {particle.group(1).lower()}", after[particle.end() :]
        after = " ".join(after.split())
        end = _OBJECT_END.search(after)
        obj = _POSSESSIVE.sub("the ", after[: end.start()] if end else after).strip()
        if not obj or obj.split()[0].lower() in ("to", "that", "about", "with", "for"):
            return ""
        continues = end is not None and after[end.start()].isspace()
        rest = after[end.start() : _rest_end(after, end.start())] if continues and end else ""
        head, *_ = verb.split(" ", 1)
        tail = verb[len(head) :]
        participle = verb if already_participle else self.participle(head) + tail
        be = "were" if _plural(obj) else "was"
        because = reason or _REASONS.get(reason_class, _REASONS["other"])
        return f"{obj[0].upper()}{obj[1:]} {be} not {participle}{rest.rstrip()}: {because}."

    def _passive(self, subject: str, participle: str, after: str) -> str:
        subject = " ".join(subject.split())
        after = " ".join(after.split())
        rest = after[: _rest_end(after, 0)]
        be = "were" if _plural(subject) else "was"
        return (
            f"{subject[0].upper()}{subject[1:]} {be} not {participle}{(' ' + rest) if rest else ''}"
            f": {_REASONS['other']}."
        )


def _rest_end(text: str, start: int) -> int:
    end = _REST_END.search(text, start + 1)
    return end.start() if end else len(text)


def _plural(noun_phrase: str) -> bool:
    head = noun_phrase.split()[-1].lower() if noun_phrase.split() else ""
    return head.endswith("s") and not head.endswith(("ss", "us", "is"))


# --- Japanese ------------------------------------------------------------------------------

# Godan verbs ending in す: 「見直すべき」 stays 「見直す」, 「実施すべき」 becomes 「実施する」.
_GODAN_SU = frozenset(
    re.split(
        " ",
        "見直 出 戻 外 残 減ら 増や 直 話 渡 消 示 回 押 通 返 移 流 "
        "落と 起こ 促 試 越 写 表 隠 探 満た 果た 生か 活か 伸ば 延ば "
        "逃 指 鳴ら 知ら 漏ら 止め",
    )
)
_JA_OBJECT_VERB = re.compile(
    r"(?P<obj>[^、。がはを]{1,30}?)を(?:事前に|十分に|きちんと)?(?P<verb>怠|忘れ|失念|しなかった|せず"
    r"|しないまま|見落と|見逃|無視|放置|省略|飛ばし)"
)
_JA_OUTCOMES = (
    (("見落と", "見逃"), "{obj}が検知されなかった（見落としやすかった理由を書く）"),
    (("無視", "放置"), "{obj}に対応されなかった（当時は緊急に見えなかった理由を書く）"),
    (("省略", "飛ばし"), "{obj}が省略された（省略できてしまった理由を書く）"),
)


def rewrite_japanese_blame(clause: str) -> str:
    match = _JA_OBJECT_VERB.search(clause)
    if not match:
        return ""
    obj, verb = match.group("obj"), match.group("verb")
    for verbs, template in _JA_OUTCOMES:
        if verb in verbs:
            return template.format(obj=obj)
    return f"{obj}が行われなかった（手作業や記憶に頼っていた等、仕組み側の理由を書く）"


def rewrite_japanese_should(before: str) -> str:
    """「負荷試験を実施すべきだった」→「負荷試験を実施する仕組み・手順がなかった」"""
    text = before.rstrip()
    text = re.sub(r"(?:しておく|しておか|ておく)$", "する", text)
    if text.endswith("する"):
        verb = text
    elif text.endswith("す") and not any(text[:-1].endswith(stem) for stem in _GODAN_SU):
        verb = text[:-1] + "する"
    else:
        verb = text
    if not verb:
        return ""
    return f"{verb}仕組み・手順がなかった（なぜなかったかを書く）"


def rewrite_japanese_if(before: str) -> str:
    """「カナリアリリースを導入していれば」→「カナリアリリースを導入していなかった」"""
    text = re.sub(r"(?:て|で)(?:い|お)$", "", before.rstrip())
    if not text:
        return ""
    suffix = "でいなかった" if before.rstrip().endswith(("でい", "でお")) else "ていなかった"
    return f"{text}{suffix}（なぜかを書く）"
