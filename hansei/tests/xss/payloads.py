"""The payloads: what an attacker would type into a text field, each one signalling the test
when it works.

A payload that runs calls ``__xss(TAG)`` (a binding into the test); one that loads something
points at ``CANARY/TAG`` (a local server on another port that records every request). ``TAG``
is ``field * 100 + payload number``, so a signal names both; ``CANARY`` is the canary's origin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    number: int
    name: str
    template: str

    def render(self, field: int, canary: str) -> str:
        return self.template.replace("TAG", str(tag(field, self.number))).replace("CANARY", canary)


def tag(field: int, payload: int) -> int:
    return field * 100 + payload


def untag(value: int) -> tuple[int, int]:
    """(field, payload) of a tag."""
    return divmod(value, 100)


PAYLOADS = (
    # <script> elements
    Payload(1, "script element", "<script>__xss(TAG)</script>"),
    Payload(2, "script element, mixed case", "<ScRiPt >__xss(TAG)</sCrIpT >"),
    Payload(3, "script from outside", "<script src=CANARY/TAG></script>"),
    Payload(4, "script inside svg", "<svg><script>__xss(TAG)</script></svg>"),
    Payload(5, "end of a script element (json_script)", "</script><script>__xss(TAG)</script>"),
    Payload(
        6, "JS line separators, then a script", "\u2028\u2029</script><script>__xss(TAG)</script>"
    ),
    # event handlers
    Payload(7, "img onerror", "<img src=x onerror=__xss(TAG)>"),
    Payload(8, "svg onload", "<svg onload=__xss(TAG)>"),
    Payload(9, "details ontoggle", "<details open ontoggle=__xss(TAG)>"),
    Payload(10, "autofocus onfocus", "<input autofocus onfocus=__xss(TAG)>"),
    Payload(11, "handler code in entities", "<img src=x onerror=&#95;&#95;xss&#40;TAG&#41;>"),
    Payload(12, "handler after a slash and a newline", "<img/src=x\nonerror=__xss(TAG)>"),
    Payload(13, "video source onerror", "<video><source onerror=__xss(TAG)></video>"),
    # breaking out of an attribute or an element
    Payload(14, "double quote ends an attribute", '"><img src=x onerror=__xss(TAG)>'),
    Payload(15, "single quote ends an attribute", "' autofocus onfocus='__xss(TAG)' x='"),
    Payload(16, "unquoted attribute", " autofocus onfocus=__xss(TAG) x="),
    Payload(17, "backtick", "`><img src=x onerror=__xss(TAG)>"),
    Payload(18, "end of a textarea", "</textarea><img src=x onerror=__xss(TAG)>"),
    Payload(19, "end of the title", "</title><img src=x onerror=__xss(TAG)>"),
    Payload(20, "end of a style element", "</style><img src=x onerror=__xss(TAG)>"),
    Payload(21, "end of an HTML comment", "--><img src=x onerror=__xss(TAG)>"),
    Payload(
        22, "noscript mutation", '<noscript><p title="</noscript><img src=x onerror=__xss(TAG)>">'
    ),
    Payload(
        23,
        "MathML namespace confusion",
        "<math><mtext><table><mglyph><style><img src=x onerror=__xss(TAG)>",
    ),
    Payload(
        24,
        "SVG namespace confusion",
        '<svg></p><style><a id="</style><img src=x onerror=__xss(TAG)>">',
    ),
    # script URLs
    Payload(25, "javascript: link", '<a href="javascript:__xss(TAG)">a</a>'),
    Payload(26, "javascript: link in entities", '<a href="&#x6A;aVaScRiPt&colon;__xss(TAG)">a</a>'),
    Payload(
        27,
        "SVG xlink:href",
        '<svg><a xlink:href="javascript:__xss(TAG)"><text y="9">a</text></a></svg>',
    ),
    Payload(28, "Markdown link to javascript:", "[a](javascript:__xss(TAG))"),
    Payload(
        29,
        "Markdown link, scheme in case and entities",
        "[a](JaVa&#x53;cript&#58;__xss(TAG)) [b](&#x20;javascript:__xss(TAG))",
    ),
    Payload(30, "Markdown image from javascript:", "![a](javascript:__xss(TAG))"),
    Payload(31, "Markdown reference link", "[a][rTAG]\n\n[rTAG]: javascript:__xss(TAG)"),
    Payload(32, "Markdown autolink", "<javascript:__xss(TAG)>"),
    Payload(
        33,
        "vbscript: and data: links",
        "[a](vbscript:__xss(TAG)) [b](data:text/html,%3Cscript%3Eparent.__xss(TAG)%3C/script%3E)",
    ),
    # Markdown's parser lets a raster image's data: URL through; only the sanitizer stops it.
    Payload(
        54, "Markdown link to a data: URL", "[a __xss(TAG)](data:image/png;base64,iVBORw0KGgo=)"
    ),
    Payload(
        34, "HTML in Markdown link text", "[<img src=x onerror=__xss(TAG)>](https://example.com/)"
    ),
    Payload(35, "nested Markdown brackets", "[[a](javascript:__xss(TAG))](https://example.com/)"),
    Payload(
        36,
        "Markdown link title ends its attribute",
        '[a](https://example.com/ "x\\" onmouseover=\\"__xss(TAG)")',
    ),
    Payload(
        37, "Markdown image alt ends its attribute", '![x" onerror="__xss(TAG)](/nothing-TAG.png)'
    ),
    # loading from outside
    Payload(38, "iframe", "<iframe src=CANARY/TAG></iframe>"),
    Payload(39, "iframe srcdoc", '<iframe srcdoc="<script>parent.__xss(TAG)</script>"></iframe>'),
    Payload(40, "object and embed", "<object data=CANARY/TAG></object><embed src=CANARY/TAG>"),
    Payload(41, "base href", "<base href=CANARY/TAG/>"),
    Payload(42, "meta refresh", '<meta http-equiv="refresh" content="0;url=CANARY/TAG">'),
    Payload(43, "form posting elsewhere", "<form action=CANARY/TAG><button>go</button></form>"),
    Payload(44, "outside image and srcset", '<img src=CANARY/TAG><img srcset="CANARY/TAG 1x">'),
    # Markdown images are links (core.markdown): no reader, nor a mail client, fetches them.
    Payload(55, "Markdown image from another site", "![chart](CANARY/TAG.png)"),
    Payload(45, "stylesheet link", "<link rel=stylesheet href=CANARY/TAG>"),
    Payload(
        46, "style element", "<style>@import 'CANARY/TAG';body{background:url(CANARY/TAG)}</style>"
    ),
    Payload(47, "style attribute", '<div style="background:url(CANARY/TAG)">a</div>'),
    Payload(
        48,
        "htmx attributes",
        '<div hx-get="CANARY/TAG" hx-trigger="load" hx-on:htmx:before-request="__xss(TAG)">a</div>',
    ),
    # strings other languages would evaluate
    Payload(
        49,
        "template syntax",
        "{{ 7|add:7 }}{% now 'Y' %}${__xss(TAG)}#{__xss(TAG)}"
        "{{constructor.constructor('__xss(TAG)')()}}",
    ),
    Payload(50, "mention glued to markup", "@bob<img src=x onerror=__xss(TAG)>"),
)
# What a URL field that takes only http(s) addresses can still carry.
URL_PAYLOADS = (
    Payload(51, "http URL ending an attribute", 'https://example.com/TAG"><svg/onload=__xss(TAG)>'),
    Payload(
        52,
        "http URL ending a single-quoted attribute",
        "https://example.com/TAG'onfocus='__xss(TAG)'autofocus='",
    ),
)
SCRIPT_URL = Payload(
    53, "javascript: URL (must be refused)", "javascript:__xss(TAG)//https://example.com/"
)
BY_NUMBER = {p.number: p for p in (*PAYLOADS, *URL_PAYLOADS, SCRIPT_URL)}
TEXT_NUMBERS = tuple(p.number for p in PAYLOADS)

# What fits in short fields (titles, names): the payloads that break out of attributes,
# titles, textareas and script elements first.
SHORT = (14, 19, 18, 15, 5, 7, 1, 8, 16, 17, 9, 10, 20, 21, 2, 12, 11, 13, 22, 25)


def pack(
    field: int, canary: str, limit: int, numbers: tuple[int, ...] | None = None, sep: str = "\n\n"
) -> list[str]:
    """The payloads (all, or ``numbers``) rendered for ``field``, joined into as few texts of at
    most ``limit`` characters as they fit in."""
    chunks: list[str] = []
    current = ""
    for number in numbers or TEXT_NUMBERS:
        text = BY_NUMBER[number].render(field, canary)
        if len(text) > limit:
            continue
        if current and len(current) + len(sep) + len(text) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}{sep}{text}" if current else text
    if current:
        chunks.append(current)
    return chunks


def short(field: int, canary: str, limit: int, skip: int = 0) -> str:
    """One text of at most ``limit`` characters, the short payloads first (``skip`` rotates
    them, so that fields of the same kind get different ones)."""
    order = SHORT[skip % len(SHORT) :] + SHORT[: skip % len(SHORT)]
    return pack(field, canary, limit, order, sep=" ")[0]
