"""Opening pages for the XSS corpus test: one signed-in browser context per person, each page
checked once it settles, and a report that names payload, field and page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Error, Page

from hansei.conftest import PASSWORD
from hansei.tests.xss.dataset import FIELDS
from hansei.tests.xss.payloads import BY_NUMBER, untag
from hansei.tests.xss.watch import Signal, Watch

# A page that does not get where a step expects (an injection navigated it away, say) is
# reported and the tour goes on, so one failure does not hide the others.
STEP_TIMEOUT_MS = 20_000
ANONYMOUS = "anonymous"  # a visitor who has not signed in

CALIBRATION = (
    '<img src=x onerror=__xss(1)><img src=CANARY/2><a href="javascript:__xss(3)">calibration</a>'
)


class Visits:
    """Opens pages as one person each; records what each page showed, and every problem."""

    def __init__(self, browser: Browser, base: str, watch: Watch) -> None:
        self.browser, self.base, self.watch = browser, base, watch
        self.pages: dict[str, Page] = {}
        self.shown: dict[str, set[int]] = {}
        self.problems: list[str] = []

    def page(self, username: str, **options: Any) -> Page:
        """``username``'s page (``options`` for its browser context, on first use)."""
        if username not in self.pages:
            self.watch.current = f"sign-in of {username}"
            context = self.watch.context(self.browser, **options)
            context.set_default_timeout(STEP_TIMEOUT_MS)
            if username != ANONYMOUS:
                sign_in(context, self.base, username)
            self.pages[username] = context.new_page()
        return self.pages[username]

    def open(
        self,
        username: str,
        path: str,
        shows: tuple[int, ...] = (),
        ready: Callable[[Page], None] | None = None,
    ) -> Page:
        """Open ``path`` as ``username``; ``shows`` are the fields whose payloads it must
        display (a page that never shows the payload proves nothing)."""
        page = self.page(username)
        label = f"{path} as {username}"
        self.watch.at(page, label)
        self.attempt(f"open {label}", lambda: page.goto(self.base + path))
        self.watch.settle(page)
        if ready is not None:
            self.attempt(f"get {label} ready", lambda: ready(page))
            self.watch.settle(page)
        self.check(page, label, shows)
        return page

    def check(self, page: Page, label: str, shows: tuple[int, ...] = ()) -> None:
        self.watch.at(page, label)
        fields = {untag(t)[0] for t in self.watch.scan(page, label)}
        self.shown[label] = fields
        for field_id in shows:
            if field_id not in fields:
                self.problems.append(f"{label} did not show the {FIELDS[field_id]} payloads")
        self.watch.collect_canary()

    def attempt(self, what: str, step: Callable[[], Any]) -> None:
        try:
            step()
        except Error as error:
            self.problems.append(f"could not {what}: {str(error).splitlines()[0]}")

    def calibrate(self) -> None:
        """The watchers work: markup injected into a Hansei page (its policy bypassed) runs,
        fetches and is found by the scan. Then the slate is wiped for the real tour."""
        page = self.page("alice")
        page.goto(f"{self.base}/accounts/settings/")
        html = CALIBRATION.replace("CANARY", self.watch.canary.origin)
        self.watch.at(page, "calibration")
        page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", html)
        self.watch.settle(page)
        self.watch.scan(page, "calibration")
        self.watch.collect_canary()
        caught = {(s.kind, s.tag) for s in self.watch.signals}
        wanted = {("ran", 1), ("fetched", 2), ("markup", 1), ("markup", 3)}
        assert wanted <= caught, f"the watchers missed {wanted - caught}: {self.watch.signals}"
        self.watch.signals.clear()

    def report(self) -> list[str]:
        self.watch.collect_canary()
        shown_anywhere = set().union(*self.shown.values())
        unseen = [
            f"no page showed the {name} payloads"
            for field_id, name in FIELDS.items()
            if field_id not in shown_anywhere
        ]
        signals = self.watch.signals
        fields = Counter(FIELDS.get(untag(s.tag)[0], "?") for s in signals if s.tag is not None)
        summary = [f"payloads at work, by field: {dict(fields.most_common())}"] if signals else []
        return summary + [describe(s) for s in signals] + self.problems + unseen


def sign_in(context: Any, base: str, username: str) -> None:
    """Through the sign-in form's POST, without rendering it: every page is opened below."""
    login = f"{base}/accounts/login/"
    form = context.request.get(login).text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, form[:500]
    answer = context.request.post(
        login,
        form={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        headers={"Referer": login},
        max_redirects=0,
    )
    assert answer.status == 302, (username, answer.status, answer.text()[:500])


def describe(signal: Signal) -> str:
    if signal.tag is None:
        return f"[{signal.kind}] on {signal.page}: {signal.detail}"
    field_id, number = untag(signal.tag)
    payload = BY_NUMBER.get(number)
    what = f"payload {number} ({payload.name if payload else '?'})"
    field = FIELDS.get(field_id, f"field {field_id}")
    return f"[{signal.kind}] {what} in the {field} on {signal.page}: {signal.detail}"
