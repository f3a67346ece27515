"""What catches a payload that works, in a real Chromium, without relying on the
Content-Security-Policy (a browser may lack it, a later policy may relax it):

* ``Canary``: an HTTP server on a port of its own (another origin) that records every request;
  payloads that load something point at it;
* ``Watch``: browser contexts whose pages run with the policy bypassed, so an injected script or
  handler really runs and calls ``__xss(TAG)``, a binding that records it; every request from
  the page to an origin other than Hansei's is recorded too;
* ``DOM_SCAN``: after a page settles, markup that only an injection puts there (``on*``
  attributes, script URLs, frames, ``<base>``, forms posting elsewhere, styles loading
  things...), so that a payload waiting for a click fails the test as well.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from hansei.conftest import free_port


class Canary:
    """A local HTTP server that answers anything with an empty 200 and remembers the paths."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        hits = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Signal:
    """Something a payload did: ``kind`` is "ran", "fetched" or "markup"."""

    kind: str
    tag: int | None
    page: str
    detail: str


@dataclass
class Watch:
    """Collects the signals of every page opened through ``context``."""

    app_origin: str
    canary: Canary
    signals: list[Signal] = field(default_factory=list)
    current: str = "(no page yet)"

    def __post_init__(self) -> None:
        self.in_flight: dict[Any, int] = defaultdict(int)
        self.labels: dict[Any, str] = {}  # page -> what it was opened as

    def at(self, page: Any, label: str) -> None:
        """``page`` now shows ``label``: what happens in it is reported under that name."""
        self.labels[page] = self.current = label

    def _label(self, page: Any) -> str:
        return self.labels.get(page, self.current)

    def context(self, browser: Any, **options: Any) -> Any:
        context = browser.new_context(bypass_csp=True, locale="en-US", timezone_id="UTC", **options)
        context.expose_binding("__xss", self._ran)
        context.on("request", self._request)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)
        return context

    def settle(self, page: Any, quiet_ms: int = 200, timeout_ms: int = 15_000) -> None:
        """Wait until ``page`` has had no request in flight for ``quiet_ms`` (Playwright's
        "networkidle" waits 500 ms, which adds up over a hundred pages)."""
        waited = quiet = 0
        while quiet < quiet_ms:
            if waited > timeout_ms:
                raise AssertionError(f"{page.url} never settled: {self.in_flight[page]} requests")
            page.wait_for_timeout(25)
            waited += 25
            quiet = quiet + 25 if self.in_flight[page] <= 0 else 0

    def _done(self, request: Any) -> None:
        self.in_flight[_page_of(request)] -= 1

    def _ran(self, source: dict[str, Any], value: Any = None) -> None:
        tag = int(value) if isinstance(value, int | float | str) and str(value).isdigit() else None
        frame = source.get("frame")
        where = frame.url if frame is not None else "?"
        page = self._label(source.get("page"))
        self.signals.append(Signal("ran", tag, page, f"__xss({value!r}) ran in {where}"))

    def _request(self, request: Any) -> None:
        self.in_flight[_page_of(request)] += 1
        parts = urlsplit(request.url)
        if parts.scheme not in {"http", "https", "ws", "wss"}:
            return
        if f"http://{parts.netloc}" == self.app_origin:
            return
        digits = re.match(r"/(\d+)", parts.path)
        tag = int(digits.group(1)) if digits else None
        page = self._label(_page_of(request))
        self.signals.append(Signal("fetched", tag, page, f"request to {request.url}"))

    def collect_canary(self) -> None:
        """Requests the canary got that the browser did not report (from a worker, say)."""
        seen = {s.detail.removeprefix("request to ") for s in self.signals}
        while self.canary.requests:
            path = self.canary.requests.pop(0)
            url = f"{self.canary.origin}{path}"
            if url in seen:
                continue
            digits = re.match(r"/(\d+)", path)
            tag = int(digits.group(1)) if digits else None
            self.signals.append(Signal("fetched", tag, self.current, f"canary got {url}"))

    def scan(self, page: Any, label: str) -> set[int]:
        """Check the page's markup; the payload tags it shows (escaped, as text)."""
        for finding in page.evaluate(DOM_SCAN, self.canary.origin):
            digits = re.search(r"__xss\((\d+)\)|:\d+/(\d+)", finding)
            tag = int(next(g for g in digits.groups() if g)) if digits else None
            self.signals.append(Signal("markup", tag, label, finding))
        text = page.evaluate(PAGE_TEXT)
        return {int(a or b) for a, b in self.markers().findall(text)}

    def markers(self) -> re.Pattern[str]:
        return re.compile(r"__xss\((\d+)\)|" + re.escape(self.canary.origin) + r"/(\d+)")


def _page_of(request: Any) -> Any:
    try:
        return request.frame.page
    except Exception:  # a service worker's request has no frame
        return None


# Everything the page shows or carries: its markup, the values of its fields, and the text
# of every same-origin frame.
PAGE_TEXT = """() => {
  const parts = [document.documentElement.outerHTML];
  for (const el of document.querySelectorAll("input, textarea, select")) parts.push(el.value);
  return parts.join("\\n");
}"""

# Markup only an injection puts in a Hansei page. Hansei's own pages have no inline handlers,
# no script URLs, no frames and no inline <script> (the policy forbids them), so any of these
# is a finding, whether or not it ran.
DOM_SCAN = r"""(canary) => {
  const findings = [];
  const app = location.origin;
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "background", "poster", "srcset", "codebase", "cite", "ping", "manifest", "lowsrc"]);
  // Attributes where an outside address is only text (a link is not a request).
  const textAttributes = new Set(["href", "title", "value", "placeholder", "alt"]);
  const scriptUrl = /^(javascript|vbscript|livescript|data):/i;
  const rasterImage = /^data:image\/(png|gif|jpeg|webp);/i;
  const ownScript = /^\/(static\/|admin\/jsi18n\/$)/;
  const frames = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base"]);
  const describe = (el) => el.outerHTML.replace(/\s+/g, " ").slice(0, 160);
  const elsewhere = (url) => {
    try { return new URL(url, document.baseURI).origin !== app; } catch { return true; }
  };
  const attributeFinding = (el, name, raw) => {
    const value = raw.replace(/[\u0000-\u0020\u007f-\u00a0]/g, "");  // as URL parsers do
    if (name.startsWith("on")) return `handler attribute ${name}`;
    const image = el.localName === "img" && rasterImage.test(value);
    if (urlAttributes.has(name) && scriptUrl.test(value) && !image)
      return `script or data URL in ${name}`;
    if (name === "srcdoc") return "srcdoc";
    if (name === "style" && /url\(|expression\(|@import/i.test(raw)) return "style that loads";
    if (/^(data-)?hx-/.test(name) && (raw.includes(canary) || raw.includes("__xss")))
      return `htmx attribute ${name}`;
    if (raw.includes(canary) && !textAttributes.has(name) && !/^(aria|data)-/.test(name))
      return `outside address in ${name}`;
    return null;
  };
  const elementFinding = (el) => {
    const tag = el.localName;
    if (frames.has(tag)) return `<${tag}> element`;
    if (tag === "meta" && el.httpEquiv) return "<meta http-equiv>";
    if (tag === "form" && elsewhere(el.getAttribute("action") || location.href))
      return "form posting elsewhere";
    if (tag === "script" && el.type !== "application/json"
        && !(el.src && !elsewhere(el.src) && ownScript.test(new URL(el.src).pathname)))
      return "script element";
    if (tag === "style" && !el.nonce) return "style element without the page's nonce";
    if (tag === "link" && el.closest("body")) return "<link> in the body";
    return null;
  };
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const finding = attributeFinding(el, attribute.name.toLowerCase(), attribute.value);
      if (finding) findings.push(`${finding}: ${describe(el)}`);
    }
    const finding = elementFinding(el);
    if (finding) findings.push(`${finding}: ${describe(el)}`);
  }
  return findings;
}"""
