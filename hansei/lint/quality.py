"""``lint_postmortem``: the SRE Workbook's "bad postmortem" traits over a whole document, plus
the blame rules over each of its sections."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hansei.lint.catalog import check_ui_lang, make_finding
from hansei.lint.engine import lint_text
from hansei.lint.lexicon import Lexicon, lexicon_for
from hansei.lint.markup import lintable
from hansei.lint.model import ActionItemInput, Finding, PostmortemInput, SectionInput
from hansei.lint.sentences import is_japanese
from hansei.lint.vocabulary import Vocabulary

# Section roles, recognized from the key first, then from words in the title.
ROLE_KEYS = {
    "summary": ("summary", "gaiyou"),
    "impact": ("impact", "eikyou"),
    "root_cause": ("root_causes", "root_cause", "genin"),
    "trigger": ("trigger", "hassei_genin"),
    "action_items": ("action_items", "action_list"),
    "timeline": ("timeline",),
}
ROLE_TITLES = (
    ("root_cause", re.compile(r"root\s+causes?|根本原因|^原因", re.I)),
    ("trigger", re.compile(r"\btrigger|発生原因|きっかけ|トリガー", re.I)),
    ("impact", re.compile(r"\bimpact|影響", re.I)),
    (
        "action_items",
        re.compile(r"action\s+items?|follow[- ]?ups?|アクション|再発防止策|対策", re.I),
    ),
    ("summary", re.compile(r"\bsummary|\boverview|概要", re.I)),
    ("timeline", re.compile(r"\btimeline|タイムライン|時系列", re.I)),
)
_NUMBER = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万億]+(?:件|人|名|分|時間|割|社)")
_TRIGGER_WORDS = re.compile(
    r"\btrigger(?:ed|s)?\b|\bset\s+off\b|\bkicked\s+off\b|発生原因|きっかけ|トリガー|契機|直接原因|引き金",
    re.I,
)
_FILLER_EN = frozenset(
    re.split(
        r"\s+",
        "a an and as be by cause causes contributing due during factor identified in is "
        "it main of off on one one-off primary root simple the this to was were",
    )
)
_FILLER_JA = re.compile(
    r"根本原因|原因|は|です|である|でした|による|もの|と判断した|と結論づけた|[。、\s]"
)
_OWNER_SPLIT = re.compile(r",|/|&|\+|;|\band\b|、|・|と|@\S+.*@\S+", re.I)
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
THIN_UNITS = 6


@dataclass(frozen=True)
class _Context:
    doc: PostmortemInput
    ui_lang: str
    lex: Lexicon
    roles: dict[str, SectionInput]

    def finding(
        self,
        rule_id: str,
        section_key: str = "",
        *,
        start: int = 0,
        end: int = 0,
        text: str = "",
        item: str = "",
        lang: str = "",
    ) -> Finding:
        return make_finding(
            rule_id, ui_lang=self.ui_lang, section_key=section_key, start=start, end=end,
            text=text, item=item, lang=lang,
        )  # fmt: skip

    @property
    def action_key(self) -> str:
        section = self.roles.get("action_items")
        return self.doc.action_items_section_key or (section.key if section else "action_items")


def section_role(section: SectionInput) -> str:
    if section.role:
        return section.role
    for role, keys in ROLE_KEYS.items():
        if section.key in keys:
            return role
    if section.kind == "action_items":
        return "action_items"
    for role, pattern in ROLE_TITLES:
        if pattern.search(section.title):
            return role
    return ""


def lint_postmortem(
    doc: PostmortemInput,
    *,
    vocabulary: Vocabulary | None = None,
    people: Iterable[str] = (),
    ui_lang: str = "en",
    text_rules: bool = True,
    quality: bool = True,
) -> list[Finding]:
    """The blame rules over every section (``text_rules``) and the document quality checks
    (``quality``): empty or thin sections, impact without numbers, missing or "human error"
    root cause, trigger mixed with root cause, and the action item checks."""
    check_ui_lang(ui_lang)
    vocab = (vocabulary or Vocabulary()).with_people(people)
    findings: list[Finding] = []
    if text_rules:
        for section in doc.sections:
            if section.body.strip():
                findings += lint_text(
                    section.body,
                    lang=doc.language,
                    vocabulary=vocab,
                    section_key=section.key,
                    ui_lang=ui_lang,
                )
    if quality:
        roles: dict[str, SectionInput] = {}
        for section in doc.sections:
            roles.setdefault(section_role(section), section)
        context = _Context(doc, ui_lang, lexicon_for(vocab), roles)
        for check in _CHECKS:
            findings += check(context)
    return findings


def _units(text: str) -> float:
    """Roughly words: English words, and Japanese characters / 2.5."""
    plain = lintable(text)
    return len(_WORD.findall(plain)) + len(_JA_CHAR.findall(plain)) / 2.5


def _sections(ctx: _Context) -> list[Finding]:
    found = []
    for section in ctx.doc.sections:
        role = section_role(section)
        if not section.required or role in ("root_cause", "action_items"):
            continue
        if not section.body.strip() and not section.structured_items:
            found.append(ctx.finding("section-empty", section.key))
        elif (
            section.kind == "markdown" and role != "timeline" and _units(section.body) < THIN_UNITS
        ):
            found.append(ctx.finding("section-thin", section.key))
    return found


def _impact(ctx: _Context) -> list[Finding]:
    figures = any(v not in (None, "") for v in ctx.doc.impact_figures.values())
    section = ctx.roles.get("impact")
    if figures or (section and _NUMBER.search(lintable(section.body))):
        return []
    if section and not section.body.strip():
        return []  # section-empty says it already
    return [ctx.finding("impact-no-numbers", section.key if section else "")]


def _root_cause(ctx: _Context) -> list[Finding]:
    section = ctx.roles.get("root_cause")
    if section is None or not section.body.strip():
        return [ctx.finding("root-cause-missing", section.key if section else "")]
    text = lintable(section.body)
    human = [*ctx.lex.phrase_set("human-error", "en").finditer(text)]
    human += [*ctx.lex.phrase_set("human-error", "ja").finditer(text)]
    if not human:
        return []
    rest = text
    for match in human:
        rest = rest.replace(match.group(0), " ")
    content = [w for w in _WORD.findall(rest) if w.lower() not in _FILLER_EN]
    ja_rest = _FILLER_JA.sub("", "".join(_JA_CHAR.findall(rest)))
    if len(content) + len(ja_rest) / 2.5 < 6:
        first = human[0]
        return [
            ctx.finding(
                "root-cause-human-error",
                section.key,
                start=first.start(),
                end=first.end(),
                text=section.body[first.start() : first.end()],
            )
        ]
    return []


def _trigger(ctx: _Context) -> list[Finding]:
    root, trigger = ctx.roles.get("root_cause"), ctx.roles.get("trigger")
    if root is None or not root.body.strip():
        return []
    if trigger is not None and trigger is not root and trigger.body.strip():
        same = " ".join(trigger.body.split()).casefold() == " ".join(root.body.split()).casefold()
        return [ctx.finding("trigger-not-separated", trigger.key)] if same else []
    if _TRIGGER_WORDS.search(lintable(root.body)):
        return []
    return [ctx.finding("trigger-not-separated", root.key)]


def _item_finding(ctx: _Context, rule_id: str, index: int, item: ActionItemInput) -> Finding:
    start = item.offset if item.offset is not None else 0
    end = start + len(item.title) if item.offset is not None else 0
    return ctx.finding(
        rule_id, ctx.action_key, start=start, end=end, text=item.title,
        item=item.key or str(index), lang="ja" if is_japanese(item.title) else "en",
    )  # fmt: skip


def _action_items(ctx: _Context) -> list[Finding]:
    items = list(ctx.doc.action_items)
    if not items:
        return [ctx.finding("action-items-missing", ctx.action_key)]
    found = []
    for index, item in enumerate(items):
        lang = "ja" if is_japanese(item.title) else "en"
        if ctx.lex.phrase_set("action-vague", lang).search(item.title):
            found.append(_item_finding(ctx, "action-vague", index, item))
        if item.is_open and not item.owner.strip():
            found.append(_item_finding(ctx, "action-no-owner", index, item))
        elif _OWNER_SPLIT.search(item.owner):
            found.append(_item_finding(ctx, "action-many-owners", index, item))
        if item.is_open and item.due is None:
            found.append(_item_finding(ctx, "action-no-due", index, item))
    return found + _action_plan(ctx, items)


def _action_plan(ctx: _Context, items: list[ActionItemInput]) -> list[Finding]:
    found = []
    priorities = [item.priority.upper().strip() for item in items]
    if len(items) >= 3 and len(set(priorities)) == 1:
        found.append(ctx.finding("action-same-priority", ctx.action_key))
    if all(_is_training(ctx, item.title) for item in items):
        found.append(ctx.finding("action-training-only", ctx.action_key))
    severe = ctx.doc.severity_level is not None and ctx.doc.severity_level <= 2
    if (ctx.doc.user_visible or severe) and not {"P0", "P1"} & set(priorities):
        found.append(ctx.finding("action-no-urgent", ctx.action_key))
    return found


def _is_training(ctx: _Context, title: str) -> bool:
    lang = "ja" if is_japanese(title) else "en"
    return ctx.lex.phrase_set("action-training-only", lang).search(title) is not None


def _draft(ctx: _Context) -> list[Finding]:
    doc = ctx.doc
    if doc.status == "draft" and doc.due_date and doc.today and doc.due_date < doc.today:
        return [ctx.finding("draft-overdue", text=doc.due_date.isoformat())]
    return []


_CHECKS: tuple[Callable[[_Context], list[Finding]], ...] = (
    _sections,
    _impact,
    _root_cause,
    _trigger,
    _action_items,
    _draft,
)
