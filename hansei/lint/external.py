"""``check_external``: is a postmortem's text fit to send to customers?

Five rules (family "external"), run over the raw Markdown so that inline code and link
targets are checked too — a hostname in backticks is still a hostname:

    external-internal-name  people's, teams' and services' internal names, and @mentions
    external-host           IP addresses, internal domains, machine names, host:port, private URLs
    external-speculation    guesses about cause or impact ("probably", 「と思われます」)
    external-promise        promises no one can keep ("never happen again", 「再発しません」)
    external-jargon         acronyms and SRE words a customer would not know, unless explained

Guarantees: offsets are ``str`` indexes into ``body`` and ``body[f.start:f.end] == f.text``;
findings come sorted by start. A host, an address or a private URL is one external-host
finding and nothing else is looked for inside it; inside a public URL only internal names are;
a name or @mention hides the words inside it. Jargon is reported once per term. Any ``str``
is accepted (empty, huge, lone surrogates): the patterns run in linear time, nothing raises.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from hansei.lint.catalog import DATA, check_ui_lang, make_finding
from hansei.lint.model import Finding

NAME, HOST, SPECULATION, PROMISE, JARGON = (
    "external-internal-name",
    "external-host",
    "external-speculation",
    "external-promise",
    "external-jargon",
)
Span = tuple[int, int]
_HIDE = "\x00"  # what hidden passages become: neither a word nor a space, so no phrase spans it
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_LATIN_EDGE_BEFORE = r"(?<![0-9A-Za-z_\u00c0-\u024f])"  # \b would treat kana as letters
_LATIN_EDGE_AFTER = r"(?![0-9A-Za-z_\u00c0-\u024f])"
_MENTION = re.compile(r"(?<![A-Za-z0-9_.+\-/@＠])[@＠][A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?")
_SENTENCE_END = re.compile(r"[.!?;。！？\n]")


@dataclass(frozen=True)
class _Words:
    """The word lists of data/external.json."""

    known_acronyms: frozenset[str]  # acronyms customers know: API, URL, SLA, UTC...
    capitalized_words: frozenset[str]  # English words written in capitals: NOTE, ALL...
    host_nouns: frozenset[str]  # what "db-3", "redis-7" name: a machine, not a version
    numbered_words: frozenset[str]  # words numbers follow in plain English: covid-19, tier-1
    jargon: dict[str, list[list[str]]]  # per language, each term's forms, the first its name
    stock_assurance: dict[str, dict[str, str]]  # message and suggestion per UI language


@cache
def _words() -> _Words:
    raw = json.loads((DATA / "external.json").read_text(encoding="utf-8"))
    return _Words(
        known_acronyms=frozenset(raw["known_acronyms"]),
        capitalized_words=frozenset(raw["capitalized_words"]),
        host_nouns=frozenset(raw["host_nouns"]),
        numbered_words=frozenset(raw["numbered_words"]),
        jargon=raw["jargon"],
        stock_assurance=raw["stock_assurance"],
    )


def check_external(
    body: str,
    *,
    section_key: str,
    lang: str,
    ui_lang: str = "en",
    internal_names: Sequence[str] = (),
    glossary: str = "",
) -> list[Finding]:
    """Findings of the external rules in one section of a customer-facing report. ``lang`` is
    the language of ``body`` ("en" or "ja"; phrases of both languages are looked for, since
    reports mix them); ``internal_names`` are names that must not reach customers;
    ``glossary`` is the report's glossary, whose terms count as explained."""
    if lang not in ("en", "ja"):
        raise ValueError(f"unknown language {lang!r}: use one of en, ja")
    check_ui_lang(ui_lang)
    urls = url_spans(body)
    every_url = [(start, end) for start, end, _ in urls]
    private_urls = [(start, end) for start, end, private in urls if private]
    hosts = _merge(private_urls + host_spans(_hidden(body, every_url)))
    names = _merge(list(_name_spans(_hidden(body, hosts), tuple(internal_names))))
    prose = _hidden(body, every_url + hosts + names)
    found: list[tuple[str, int, int, bool]] = [(HOST, s, e, False) for s, e in hosts]
    found += [(NAME, s, e, False) for s, e in names]
    found += [(SPECULATION, s, e, False) for s, e in _speculation_spans(prose)]
    found += [(PROMISE, s, e, stock) for s, e, stock in _promise_spans(prose)]
    found += [(JARGON, s, e, False) for s, e in _jargon_spans(prose, glossary)]
    findings = [
        _finding(rule, body, start, end, stock, section_key=section_key, lang=lang, ui_lang=ui_lang)
        for rule, start, end, stock in found
    ]
    return sorted(findings, key=lambda f: (f.start, f.rule_id))


def _finding(
    rule: str, body: str, start: int, end: int, stock: bool, *, section_key: str, lang: str,
    ui_lang: str,
) -> Finding:  # fmt: skip
    text = body[start:end]
    # The fingerprint hashes the text as UTF-8, which a lone surrogate cannot be.
    safe = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    finding = make_finding(
        rule, ui_lang=ui_lang, section_key=section_key, start=start, end=end, text=safe, lang=lang
    )
    if stock:  # a formula of effort, not a promise of an outcome: a nudge, not an error
        texts = _words().stock_assurance
        finding = replace(
            finding,
            severity="info",
            message=texts["message"][ui_lang],
            suggestion=texts["suggestion"][ui_lang],
        )
    return replace(finding, text=text) if safe != text else finding


def _hidden(text: str, spans: Sequence[Span]) -> str:
    """``text`` with ``spans`` blanked out, same length."""
    if not spans:
        return text
    pieces, at = [], 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        start = max(start, at)
        pieces += [text[at:start], _HIDE * (end - start)]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clause_before(text: str, start: int, reach: int = 80) -> str:
    """The words before ``start`` in the same clause, at most ``reach`` characters."""
    window = text[max(0, start - reach) : start]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


# --- hosts ----------------------------------------------------------------------------------

_URL_CHAR = r"[^\s<>\"'`()\[\]{}|\\^\u3000-\u9fff\uff00-\uffef]"  # a URL ends at kana, 「、」...
_URL = re.compile(
    r"(?<![A-Za-z0-9_])(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{1,20}):/{2}"
    rf"(?P<rest>\[[0-9A-Fa-f:.%]+\]{_URL_CHAR}*|{_URL_CHAR}+)"
)
_WEB_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_INTERNAL_SUFFIXES = (
    "internal", "local", "corp", "lan", "intra", "intranet", "svc", "localdomain", "home.arpa",
    "localhost", "private",
)  # fmt: skip
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(
    rf"(?<![0-9A-Za-z_.])(?:{_OCTET}\.){{3}}{_OCTET}(?:/(?:3[0-2]|[12]?\d))?(?::\d{{1,5}})?"
    r"(?![0-9A-Za-z_]|\.\d)"
)
_VERSION_BEFORE = re.compile(
    r"(?:version|ver\.?|release|build|firmware|kernel|v|section|chapter|clause|article|§|バージョン)\s*$",
    re.IGNORECASE,
)
_HEX = "[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    rf"(?P<bracket>\[)?(?<![0-9A-Za-z_:.])(?:(?:{_HEX}:){{7}}{_HEX}"
    rf"|(?:{_HEX}(?::{_HEX}){{0,6}})?::(?:{_HEX}(?::{_HEX}){{0,6}})?)"
    r"(?:%[0-9A-Za-z_.]+)?(?:/\d{1,3})?(?(bracket)\](?::\d{1,5})?)(?![0-9A-Za-z_:])"
)
_INTERNAL_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?:[a-z0-9][a-z0-9\-]*\.)+"
    rf"(?:{'|'.join(re.escape(s) for s in _INTERNAL_SUFFIXES)})(?::\d{{1,5}})?"
    r"(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])",
    re.IGNORECASE,
)
_HOST_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?=[a-z0-9.\-]*[0-9])[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)+"
    r"(?:(?<=[a-z0-9]):\d{1,5})?(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])"
)
_PADDED_HOST = re.compile(r"(?<![A-Za-z0-9_.\-])[a-z]{2,}0\d{1,3}(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])")
_HOST_PORT = re.compile(
    r"(?<![A-Za-z0-9_.\-/@:])(?P<host>[a-z][a-z0-9\-]*(?:\.[a-z0-9\-]+)*):(?P<port>\d{2,5})"
    r"(?![0-9:A-Za-z])"
)
_WELL_KNOWN_PORTS = frozenset({21, 22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995})
_REGION = re.compile(
    r"(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-(?:north|south|east|west|central|northeast"
    r"|northwest|southeast|southwest)-\d{1,2}"
)
_RANDOM_PART = re.compile(r"(?=.*\d)(?=.*[a-z])(?:[0-9a-f]{5,40}|[bcdfghjklmnpqrstvwxz2-9]{5,10})")


def url_spans(text: str) -> list[tuple[int, int, bool]]:
    """Every URL (trailing punctuation left out) and whether it points inside the company."""
    spans = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?'\"*_~")
        start = match.start()
        scheme = match.group("scheme").casefold()
        authority = re.split(r"[/?#]", url[len(scheme) + 3 :], maxsplit=1)[0].rpartition("@")[2]
        host = authority[1:].partition("]")[0] if authority.startswith("[") else (
            authority.partition(":")[0]
        )  # fmt: skip
        private = scheme not in _WEB_SCHEMES or _is_private_host(host.casefold().rstrip("."))
        spans.append((start, start + len(url), private))
    return spans


def _is_private_host(host: str) -> bool:
    if not host or "." not in host or ":" in host or _IPV4.fullmatch(host):
        return True  # a name without a domain, an IPv6 or IPv4 address
    if host.endswith(tuple("." + s for s in _INTERNAL_SUFFIXES)):
        return True
    return any(_is_machine_label(label) for label in host.split(".")[:-1])


def host_spans(text: str) -> list[Span]:
    """Addresses, internal domains, machine names and host:port pairs (URLs already hidden)."""
    spans = [m.span() for m in _INTERNAL_DOMAIN.finditer(text)]
    for match in _IPV4.finditer(text):
        if not _VERSION_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            spans.append(match.span())
    for match in _IPV6.finditer(text):
        found = match.group(0)
        groups = [g for g in re.split(r"[:%/]+", found) if g]
        if re.search(r"\d", found) and (len(groups) >= 2 or found == "::1"):
            spans.append(match.span())
    for match in _HOST_TOKEN.finditer(text):
        labels = match.group(0).partition(":")[0].split(".")
        if any(_is_machine_label(label) for label in labels):
            spans.append(match.span())
    spans += [m.span() for m in _PADDED_HOST.finditer(text)]
    for match in _HOST_PORT.finditer(text):
        host, port = match.group("host"), int(match.group("port"))
        plain = host.isalpha() and host != "localhost"
        if port <= 65535 and (not plain or port >= 1024 or port in _WELL_KNOWN_PORTS):
            spans.append(match.span())
    return spans


def _is_machine_label(label: str) -> bool:
    """Whether a name's label is a machine's: db-prod-03, pg-replica-2, api-7f9c8d-xk2lp,
    web01, ip-10-0-1-23; not read-only, covid-19, us-east-1, utf-8, backup-2024-05-01."""
    words = _words()
    parts = label.split("-")
    if re.fullmatch(r"[a-z]{2,}0\d{1,3}", parts[0]):
        return True
    if len(parts) < 2 or not parts[0][:1].isalpha() or _REGION.fullmatch(label):
        return False
    if any(_RANDOM_PART.fullmatch(p) for p in parts[1:]):
        return True
    digits = [i for i, p in enumerate(parts) if p.isdigit()]
    if not digits or any(parts[i - 1] in words.numbered_words for i in digits):
        return False
    if any(len(parts[i]) == 4 and parts[i][:2] in ("19", "20") for i in digits):
        return False  # a date
    if parts[0] == "ip" and len(digits) == 4:
        return True
    if len(parts) >= 3:  # "db-prod-03", not "last-24-hours"
        padded = any(parts[i].startswith("0") and len(parts[i]) > 1 for i in digits)
        named = sum(1 for p in parts if p[:1].isalpha())
        return named >= 2 and (padded or digits[-1] == len(parts) - 1)
    return parts[0] in words.host_nouns or parts[1].startswith("0")


# --- internal names ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Latin names as whole words, any case (at least 3 letters); Japanese names as
    substrings (at least 2 characters)."""
    latin, japanese = set(), set()
    for raw in names:
        name = " ".join(raw.strip().lstrip("@").split())
        if _CJK.search(name):
            if len(name) >= 2:
                japanese.add(name)
        elif len(name) >= 3:
            latin.add(name)
    parts = []
    if latin:
        words = "|".join(
            re.escape(n).replace(r"\ ", r"\s+") for n in sorted(latin, key=len, reverse=True)
        )
        parts.append(f"{_LATIN_EDGE_BEFORE}(?:{words}){_LATIN_EDGE_AFTER}")
    if japanese:
        parts.append("|".join(re.escape(n) for n in sorted(japanese, key=len, reverse=True)))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _name_spans(text: str, names: tuple[str, ...]) -> Iterator[Span]:
    pattern = _names_pattern(names)
    if pattern is not None:
        yield from (m.span() for m in pattern.finditer(text))
    yield from (m.span() for m in _MENTION.finditer(text))


# --- speculation ----------------------------------------------------------------------------

_EN_WORD_BEFORE = r"(?<![A-Za-z0-9_'’\-])"
_EN_WORD_AFTER = r"(?![A-Za-z0-9_'’\-])"
_SPECULATION_EN = re.compile(
    _EN_WORD_BEFORE + r"(?:probably|possibly|perhaps|presumably|apparently|seemingly|maybe"
    r"|(?:we|I)\s+(?:think|believe|suspect|assume|guess|speculate)"
    r"|(?:might|may)\s+have|could\s+have\s+(?:been|caused|triggered|contributed|led)"
    r"|(?:could|may|might)\s+be\s+(?:related\s+to|caused\s+by|due\s+to|the\s+(?:root\s+)?cause"
    r"|the\s+result|linked\s+to)"
    r"|it\s+(?:seems|appears)|(?:appears?|seems?)\s+to\s+(?:have|be)"
    r"|(?:most\s+|very\s+|highly\s+)?likely|(?:our\s+)?best\s+guess|not\s+(?:sure|certain)"
    r"|unsure|suspected|potentially|hypothes[ie]s|our\s+(?:working\s+|leading\s+)?theory"
    r"|(?:the|a)\s+(?:working|leading)\s+theory"
    r"|(?:is|are|was|were)\s+(?:believed|thought|suspected|presumed)\s+to|it\s+looks\s+like"
    r"|it\s+is\s+possible\s+that|it['’]s\s+possible"
    r"|possible\s+(?:root\s+)?causes?)" + _EN_WORD_AFTER,
    re.IGNORECASE,
)
_NOT_A_HEDGE_AFTER = re.compile(
    r"\s+(?:to\b|in\b|on\b|at\b|under\b|prevented|avoided|detected|caught|mitigated|worse|better"
    r"|faster|shorter|handled|noticed|stopped)",
    re.IGNORECASE,
)
_SPECULATION_JA = re.compile(
    r"おそらく|恐らく|たぶん|多分(?!に)|と思われ|(?<!たい)と思(?:います|っており|う(?!よう))|かもしれ|かも知れ"
    r"|可能性(?:が|も)(?:あ|ござ|高|考えられ)|可能性(?:は|も)?否定(?:でき|し得|しきれ)"
    r"|(?:ため|原因|起因|によるもの)(?:だ|である)?と考えており|と推測|推測され|と推察|推察され|と考えられ|とみられ|と見られ"
    r"|ようです|ようでした|模様(?:です|でした|だ|である)|疑いがあ|見込み|と推定"
)
_CAUSE_JA = re.compile(r"原因|起因|要因|によるもの")
_FUTURE_RISK_JA = re.compile(r"(?:再発|発生|起こ|起き)(?:する|る)の?$")


def _speculation_spans(text: str) -> Iterator[Span]:
    for match in _SPECULATION_EN.finditer(text):
        if _is_hedge(text, match):
            yield match.span()
    for match in _SPECULATION_JA.finditer(text):
        word, start = match.group(0), match.start()
        if word in ("見込み", "と推定") and not _CAUSE_JA.search(_clause_before(text, start)):
            continue  # 「復旧の見込み」「約1,000件と推定」: a forecast or an estimate, not a guess
        if word.startswith("可能性") and _FUTURE_RISK_JA.search(text[max(0, start - 6) : start]):
            continue  # 「再発する可能性があります」: a risk stated honestly
        yield match.span()


def _is_hedge(text: str, match: re.Match[str]) -> bool:
    words = " ".join(match.group(0).casefold().split())
    after = text[match.end() : match.end() + 20]
    before = text[max(0, match.start() - 12) : match.start()].casefold()
    if words in ("might have", "may have"):
        return not re.search(r"\byou\s+$", before) and not after.lstrip().startswith("to ")
    if words.endswith("likely"):
        return words != "likely" or not re.search(r"\b(?:more|less|as)\s+$", before)
    if words in ("we believe", "we think", "it appears", "it seems", "could have been"):
        return not _NOT_A_HEDGE_AFTER.match(after)
    return True


# --- promises -------------------------------------------------------------------------------

_AGAIN = r"(?:happen|occur|recur|repeat)s?\s+again"
_PROMISE_EN = re.compile(
    _EN_WORD_BEFORE
    + r"(?:never\s+(?:ever\s+)?(?:again\s+(?:happen|occur|recur)s?|(?:happen|occur)s?\s+again"
    r"|recurs?)"
    rf"|(?:won['’]t|will\s+not|shall\s+not|cannot|can['’]t|can\s+not|not\s+going\s+to)\s+(?:ever\s+)?"
    rf"(?:{_AGAIN}|recur)"
    r"|guarantee[sd]?|guaranteeing"
    r"|100\s*(?:%|percent)\s+(?:uptime|availability|available|reliable|reliability|reliably)"
    r"|(?:completely|fully|entirely|totally|permanently)\s+(?:eliminat\w*|prevent\w*|eradicat\w*"
    r"|rule[sd]?\s+out|ruling\s+out)"
    r"|(?:ensur(?:e|es|ed|ing)|make\s+sure|making\s+sure)\s+(?:that\s+)?(?:[\w'’-]+\s+){0,5}?"
    r"(?:will\s+)?(?:never|not|won['’]t|doesn['’]t|cannot|can['’]t)\s+(?:ever\s+)?(?:again\s+)?"
    r"(?:happen|occur|recur|repeat)s?(?:\s+again)?"
    r"|zero\s+downtime\s+(?:from\s+now\s+on|going\s+forward|in\s+(?:the\s+)?future)"
    r"|no\s+more\s+(?:outages|downtime|incidents)"
    r"|(?P<stock>do\s+everything\s+(?:we\s+can|in\s+our\s+power|possible)))" + _EN_WORD_AFTER,
    re.IGNORECASE,
)
_DISCLAIMED = re.compile(  # "there is no guarantee", "we cannot promise it won't happen again"
    r"\b(?:no|not|never|without|cannot|can['’]t)\s+(?:any\s+|such\s+|a\s+)?$"
    r"|\b(?:cannot|can['’]t|can\s+not|no\s+one\s+can|nobody\s+can|impossible|unable\s+to"
    r"|not\s+able\s+to|(?:won['’]t|will\s+not|do\s+not|don['’]t)\s+promise)\b",
    re.IGNORECASE,
)
_SOFTENED = re.compile(r"\bhelp\s+(?:to\s+)?$", re.IGNORECASE)  # "to help ensure it doesn't recur"
_NEGATIVE_JA = r"(?:ない|ません|ぬ)"
_PROMISE_JA = re.compile(
    rf"(?P<again>二度と[^。！？\n]{{0,25}}?{_NEGATIVE_JA})"
    r"|(?P<recur>再発(?:は|も)?(?:しない|しません|いたしません|致しません|させない|させません"
    r"|することは(?:ありません|ございません|ない|ありえません|あり得ません)|はありません|はございません|はない))"
    r"|(?P<future>(?:今後|以後|将来|これ以降)(?:(?!二度と)[^。！？\n]){0,30}?(?:発生|起こ|起き)(?:する|いたす|致す)?"
    r"(?:ことは(?:ありません|ございません|ない|ありえません)|しません|いたしません|致しません|りません|ません"
    r"|しない|らない|さない|さず|ない))"
    r"|保証(?:いたします|致します|します|申し上げ|する(?=[。\s]|$))"
    r"|完全に(?:防止|防[ぎぐげ]|排除|根絶|なくし|無くし|ゼロに)"
    r"|(?P<absolute>絶対に)"
    r"|100[%％]の?(?:稼働|可用性|稼働率|信頼性)"
    r"|(?P<stock>万全を期(?:します|してまいります|して参ります|す|して|すべく|したい))"
)
_PURPOSE_JA = re.compile(r"よう|ため|か(?!ら)|ことを確認|仕組み|体制|構成|設計")
_HEDGED_JA = re.compile(r"とは|と断言|とも限|とは言")
_MUST_NOT_JA = re.compile(r"[^。\n]{0,15}?(?:ては|では)(?:なら|いけ)")


def _promise_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    for match in _PROMISE_EN.finditer(text):
        before = _clause_before(text, match.start(), 60)
        if _DISCLAIMED.search(before):
            continue
        if _SOFTENED.search(before) and "never" not in match.group(0).casefold():
            continue
        yield match.start(), match.end(), match.group("stock") is not None
    for match in _PROMISE_JA.finditer(text):
        after = text[match.end() : match.end() + 8]
        if _HEDGED_JA.match(after):
            continue  # 「再発しないとは言い切れません」
        if (match.group("recur") or match.group("future")) and _PURPOSE_JA.match(after):
            continue  # 「再発しないよう対策します」: an aim, which is what we want written
        if match.group("absolute") and _MUST_NOT_JA.match(text, match.end()):
            continue  # 「絶対にあってはならない事態」: contrition, not a promise
        stock = match.group("stock") is not None
        if match.group("again") and after.startswith("よう"):
            stock = True  # 「二度と起きないよう努めます」: an aim, but an absolute one
        yield match.start(), match.end(), stock


# --- jargon ---------------------------------------------------------------------------------


@cache
def _jargon() -> tuple[re.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    """One pattern for every jargon word, and each form's term: (key, all its forms)."""
    groups = _words().jargon
    forms: dict[str, tuple[str, tuple[str, ...]]] = {}
    latin, katakana_etc = [], []
    for lang, terms in groups.items():
        for term in terms:
            for form in term:
                forms[form.casefold()] = (term[0].casefold(), tuple(term))
                escaped = re.escape(form).replace(r"\ ", r"\s+")
                if lang == "en":
                    latin.append((form, escaped + r"(?:s|es)?"))
                else:
                    edge_before = "(?<![ァ-ヶー])" if re.match("[ァ-ヶー]", form) else ""
                    edge_after = "(?![ァ-ヶー])" if re.search("[ァ-ヶー]$", form) else ""
                    katakana_etc.append((form, edge_before + escaped + edge_after))
    alternation = "|".join(s for _, s in sorted(latin, key=lambda fs: -len(fs[0])))
    others = "|".join(s for _, s in sorted(katakana_etc, key=lambda fs: -len(fs[0])))
    pattern = re.compile(  # the lookaheads make most positions fail at once
        rf"(?<![A-Za-z0-9_])(?=[A-Za-z])(?:{alternation})(?![A-Za-z0-9_])"
        rf"|(?=[\u3040-\u9fff])(?:{others})",
        re.IGNORECASE,
    )
    return pattern, forms


_ACRONYM = re.compile(
    r"(?<![A-Za-z0-9_Ａ-Ｚａ-ｚ０-９\-])(?:[A-Z][A-Z0-9]{1,5}|[Ａ-Ｚ][Ａ-Ｚ０-９]{1,5})[sｓ]?"
    r"(?![A-Za-z0-9_Ａ-Ｚａ-ｚ０-９]|[\-－][0-9０-９])"
)
_ROMAN = re.compile(r"X{0,2}(?:IX|IV|V?I{0,3})")
# "TTL (time to live)", not "TTL (5 minutes)" or "SLO (99.9%)"
_PAREN_AFTER = re.compile(r"\s*[(（]\s*(?=[A-Za-z\u3040-\u9fff])([^()（）\n]{2,120})[)）]")
# "TTL, the time to live, ..." — three words at least, or "a failover, a rollback" would pass
_APPOSITIVE = re.compile(
    r"\s*[,，、—–]\s*(?:the|a|an|our|i\.?e\.?|that\s+is|which\s+(?:is|means)|meaning|or"
    r"|also\s+called|つまり|すなわち)\b\s*(?P<words>[^,，、.;。)）—–\n]*)(?P<close>.?)",
    re.IGNORECASE,
)
_DEFINED_AFTER = re.compile(
    r"\s+(?:stands\s+for|means|refers\s+to|is\s+short\s+for|is\s+an?|is\s+the|is\s+when"
    r"|is\s+how|is\s+where)\b|\s*(?:とは|と呼ばれ|という(?:仕組み|機能|処理|もの|手法|技術|設定|方式|値))",
    re.IGNORECASE,
)
_DEFINITION_LINE = re.compile(r"\s*(?:[:：=]|[—–]|\s-\s)\s*\S")
_LINE_HEAD = re.compile(r"(?:^|\n)\s*(?:[-*+]\s+|\d+[.)]\s+|\|\s*)?[*_`\x00]*$")
_DEFINED_BEFORE = re.compile(
    r"(?:\b(?:called|known\s+as|so-called|termed|named)\s+(?:an?\s+|the\s+)?[\"“'‘]?|いわゆる\s*)$",
    re.IGNORECASE,
)
_TERM_CHARS = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff]")


def _jargon_spans(text: str, glossary: str) -> list[Span]:
    """The first use of each unexplained term."""
    uses: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
    for key, start, end, forms in _terms(text):
        uses.setdefault(key, []).append((start, end, forms))
    known = unicodedata.normalize("NFKC", glossary).casefold()
    spans = []
    for spots in uses.values():
        if any(_explained(text, start, end) for start, end, _ in spots):
            continue
        if known and any(_in_glossary(form, known) for form in spots[0][2]):
            continue
        spans.append(spots[0][:2])
    return spans


def _terms(text: str) -> Iterator[tuple[str, int, int, tuple[str, ...]]]:
    pattern, forms = _jargon()
    for match in pattern.finditer(text):
        said = " ".join(match.group(0).casefold().split())
        term = forms.get(said) or forms.get(said[:-1]) or forms.get(said[:-2])
        if term:
            yield term[0], match.start(), match.end(), term[1]
    caps_lines: dict[int, bool] = {}
    for match in _ACRONYM.finditer(text):
        word = unicodedata.normalize("NFKC", match.group(0))
        base = word[:-1] if word.endswith("s") else word
        if _is_plain_capitals(base) or _in_capitals_line(text, match.start(), caps_lines):
            continue
        yield base.casefold(), match.start(), match.end(), (base,)


def _is_plain_capitals(word: str) -> bool:
    """Words customers know, English words in capitals, roman numerals, "Q3"."""
    words = _words()
    capitals = sum(1 for c in word if c.isupper())
    return (
        (capitals < 2 and not re.fullmatch(r"P\d{2,3}", word))
        or word in words.known_acronyms
        or word in words.capitalized_words
        or _ROMAN.fullmatch(word) is not None
    )


def _in_capitals_line(text: str, at: int, seen: dict[int, bool]) -> bool:
    """A heading or a line shouted in capitals ("ROOT CAUSE: DISK FULL") is not acronyms."""
    start = text.rfind("\n", 0, at) + 1
    if start not in seen:
        end = text.find("\n", at)
        line = text[start : end if end >= 0 else len(text)]
        letters = [c for c in line if c.isascii() and c.isalpha()]
        seen[start] = len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return seen[start]


def _explained(text: str, start: int, end: int) -> bool:
    """Whether a term is explained where it is used: Time To Live (TTL), TTL (time to live),
    "TTL, the time...", 「TTL（有効期限）」, "TTL: ..." at the start of a line, "a mechanism
    called a circuit breaker"."""
    before = text[max(0, start - 60) : start]
    inside = _PAREN_AFTER.match(text, end)
    if inside and len(_TERM_CHARS.findall(inside.group(1))) >= 3:
        return True
    if re.search(r"\S\s*[(（]\s*$", before) and re.match(r"\s*[)）,，、:：=]", text[end : end + 3]):
        return True
    if _DEFINED_AFTER.match(text, end) or _DEFINED_BEFORE.search(before):
        return True
    if _DEFINITION_LINE.match(text, end) and _LINE_HEAD.search(before):
        return True
    appositive = _APPOSITIVE.match(text, end)
    return appositive is not None and _explains(appositive["words"], appositive["close"])


def _explains(words: str, close: str) -> bool:
    """Whether an appositive is an explanation, not the next item of a list: "TTL, the time to
    live, ..." is one; "a failover, a rollback, and..." and "DNS, a CDN and a proxy." are not."""
    size = len(words.split()) + len(_CJK.findall(words))
    if close in ",，、—–)）" and close:
        return size >= 2
    return size >= 3 and not re.search(r"\b(?:and|or)\b", words)


def _in_glossary(form: str, glossary: str) -> bool:
    needle = re.escape(unicodedata.normalize("NFKC", form).casefold()).replace(r"\ ", r"\s+")
    return re.search(rf"(?<![a-z0-9_]){needle}(?:s|es)?(?![a-z0-9_])", glossary) is not None
