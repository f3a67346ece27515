"""``lint_text``: the blameless-language rules over one Markdown section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from hansei.lint.catalog import check_ui_lang, make_finding
from hansei.lint.english import BLAME, COUNTERFACTUAL, EnglishRules, Hit
from hansei.lint.japanese import JapaneseRules
from hansei.lint.lexicon import Lexicon, lexicon_for
from hansei.lint.markup import BREAK, lintable
from hansei.lint.model import Finding
from hansei.lint.sentences import LANGS, Sentence, SentenceIndex, split_sentences
from hansei.lint.vocabulary import Vocabulary

PHRASE_RULES = ("human-error", "judgemental", "counterfactual", "blame-person")
_OPEN_QUOTES = "\"“'‘「『"
_CLOSE_QUOTES = "\"”'’」』"
_TRIM = f" \t\r\n{BREAK}"


@lru_cache(maxsize=32)
def _engines(vocabulary: Vocabulary) -> tuple[Lexicon, EnglishRules, JapaneseRules]:
    lex = lexicon_for(vocabulary)
    return lex, EnglishRules(lex), JapaneseRules(lex)


def lint_text(
    text: str,
    *,
    lang: str = "auto",
    vocabulary: Vocabulary | None = None,
    people: Iterable[str] = (),
    section_key: str = "",
    ui_lang: str = "en",
) -> list[Finding]:
    """Findings of the blame rules (blame-person, counterfactual, human-error, judgemental) in
    one section's Markdown. ``lang`` is the text's language ("auto": decided per sentence);
    ``people`` are known users' names and @handles; ``ui_lang`` picks the rules' texts."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    check_ui_lang(ui_lang)
    vocab = (vocabulary or Vocabulary()).with_people(people)
    lex, english, japanese = _engines(vocab)
    masked = lintable(text)
    sentences = split_sentences(masked, lang)
    index = SentenceIndex(sentences)
    hits = list(english.hits(masked, sentences, index))
    for at, sentence in enumerate(sentences):
        if sentence.lang == "ja":
            hits += [(at, hit) for hit in japanese.hits(masked, sentence)]
    hits += _phrase_hits(masked, sentences, index, lex)
    findings = []
    for at, hit in _select(hits, masked, lex):
        start, end = _trimmed(masked, hit.start, hit.end)
        findings.append(
            make_finding(
                hit.rule,
                ui_lang=ui_lang,
                section_key=section_key,
                start=start,
                end=end,
                text=text[start:end],
                lang=sentences[at].lang,
                suggestion=hit.suggestion,
            )
        )
    return sorted(findings, key=lambda f: (f.start, f.rule_id))


def _phrase_hits(
    masked: str, sentences: list[Sentence], index: SentenceIndex, lex: Lexicon
) -> Iterator[tuple[int, Hit]]:
    for lang in {s.lang for s in sentences}:
        for rule in PHRASE_RULES:
            phrases = lex.phrase_set(rule, lang)
            for match in phrases.finditer(masked):
                at = index.at(match.start())
                if at is None or sentences[at].lang != lang or _is_quoted(masked, match):
                    continue
                sentence = sentences[at]
                suggest = phrases.suggestion_at(masked, match.start())
                rewrite = _phrase_rewrite(masked, sentence, match.start(), match.end(), suggest)
                yield at, Hit(rule, match.start(), match.end(), rewrite)


def _phrase_rewrite(masked: str, sentence: Sentence, start: int, end: int, suggest: str) -> str:
    if not suggest:
        return ""
    found = masked[start:end].strip()
    if len(suggest.split()) <= 3 and "(" not in suggest and "（" not in suggest:
        before = (
            masked[sentence.start : start].rstrip()
            if suggest in ".。"
            else masked[sentence.start : start]
        )
        rewritten = before + suggest + masked[end : sentence.end]
        return " ".join(rewritten.replace(BREAK, " ").split())
    if sentence.lang == "ja":
        return f"「{found}」の代わりに: {suggest}"
    return f'Instead of "{found}": {suggest}.'


def _is_quoted(masked: str, match: object) -> bool:
    """A phrase in quotes is mentioned, not used: 'we no longer accept "human error"'."""
    start, end = match.start(), match.end()  # type: ignore[attr-defined]
    return (
        start > 0
        and end < len(masked)
        and masked[start - 1] in _OPEN_QUOTES
        and masked[end] in _CLOSE_QUOTES
    )


def _select(hits: list[tuple[int, Hit]], masked: str, lex: Lexicon) -> list[tuple[int, Hit]]:
    """One finding per rule per sentence (the first); none inside an allowed phrase; no
    counterfactual where the same words are already blame on a person."""
    allowed = [m.span() for m in lex.allow.finditer(masked)] if lex.allow else []
    chosen: dict[tuple[int, str], Hit] = {}
    for index, hit in sorted(hits, key=lambda ih: (ih[1].start, -ih[1].end)):
        if any(a < hit.end and hit.start < b for a, b in allowed):
            continue
        chosen.setdefault((index, hit.rule), hit)
    kept = []
    for (index, rule), hit in chosen.items():
        blame = chosen.get((index, BLAME))
        if rule == COUNTERFACTUAL and blame and blame.start < hit.end and hit.start < blame.end:
            continue
        kept.append((index, hit))
    return kept


def _trimmed(masked: str, start: int, end: int) -> tuple[int, int]:
    while start < end and masked[start] in _TRIM:
        start += 1
    while end > start and masked[end - 1] in _TRIM:
        end -= 1
    return start, end
