"""Fixtures every test shares.

Standing users, in the healthchecks way:
* Alice: member and lead of the Payments team, owns its postmortems;
* Bob: member of Payments, has access;
* Charlie: member of another team (Search), must see nothing of Payments';
* Rita: a reviewer outside the team, named on reviews;
* Ada: an admin.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

# pytest-playwright runs an event loop in the test thread; the ORM calls made by browser tests
# are still synchronous and thread-confined, so Django's async guard would only get in the way.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Backend-specific tests are deselected on the other backend, never skipped."""
    from django.conf import settings

    engine = str(settings.DATABASES["default"]["ENGINE"])
    vendor = "postgres" if "postgresql" in engine else "sqlite"
    keep, drop = [], []
    for item in items:
        wants = {m.name for m in item.iter_markers()} & {"postgres", "sqlite_only"}
        if ("postgres" in wants and vendor != "postgres") or (
            "sqlite_only" in wants and vendor != "sqlite"
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Every test starts in the site's language. A request through the test client activates
    its user's language in the test's thread and leaves it there (Django's LocaleMiddleware
    does not reset it), so a test after a Japanese user's request read Japanese."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# --- people and teams ---------------------------------------------------------------------


@pytest.fixture
def payments(db: Any) -> Any:
    from hansei.accounts.models import Team

    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def search_team(db: Any) -> Any:
    from hansei.accounts.models import Team

    return Team.objects.create(name="Search", slug="search")


@functools.cache
def hashed_password() -> str:
    """PASSWORD hashed once per test process: the real hasher (PBKDF2, as in production, so
    every server process a test starts checks it), without paying its 0.3 s for each person."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def person(username: str, role: str, team: Any = None, lead: bool = False, **extra: Any) -> Any:
    """A user with the standard password (PASSWORD), in ``team`` if given."""
    from hansei.accounts.models import Membership, User

    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=None,
        display_name=username.capitalize(),
        role=role,
        **extra,
    )
    user.password = hashed_password()
    user.save(update_fields=["password"])
    if team is not None:
        Membership.objects.create(user=user, team=team, is_lead=lead)
    return user


@pytest.fixture
def alice(payments: Any) -> Any:
    return person("alice", "member", payments, lead=True)


@pytest.fixture
def bob(payments: Any) -> Any:
    return person("bob", "member", payments)


@pytest.fixture
def charlie(search_team: Any) -> Any:
    return person("charlie", "member", search_team)


@pytest.fixture
def rita(db: Any) -> Any:
    return person("rita", "reviewer")


@pytest.fixture
def ada(db: Any) -> Any:
    return person("ada", "admin")


@pytest.fixture
def builtin_data(db: Any) -> None:
    """Severities, policy and templates. A migration creates them, but transactional tests
    (browser tests) flush the database afterwards, so fixtures recreate them when missing."""
    from hansei.incidents.models import PostmortemPolicy, Severity
    from hansei.postmortems.template_library.builtin import load_builtin_data
    from hansei.postmortems.template_library.models import Template, TemplateSection

    load_builtin_data(Severity, PostmortemPolicy, Template, TemplateSection)


@pytest.fixture
def sev(builtin_data: None) -> Callable[[int], Any]:
    from hansei.incidents.models import Severity

    return lambda level: Severity.objects.get(level=level)


@pytest.fixture
def checkout(db: Any, payments: Any) -> Any:
    from hansei.incidents.models import Service

    return Service.objects.create(name="Checkout", slug="checkout", team=payments)


# --- domain objects -----------------------------------------------------------------------


@pytest.fixture
def make_incident(alice: Any, payments: Any, sev: Any) -> Callable[..., Any]:
    from hansei.incidents.services import IncidentInput, create_incident

    def make(actor: Any = None, **overrides: Any) -> Any:
        now = timezone.now()
        values: dict[str, Any] = {
            "title": "Checkout API returned 500s",
            "severity": sev(2),
            "team": payments,
            "started_at": now - timedelta(hours=3),
            "detected_at": now - timedelta(hours=2, minutes=50),
            "acknowledged_at": now - timedelta(hours=2, minutes=45),
            "mitigated_at": now - timedelta(hours=2),
            "resolved_at": now - timedelta(hours=1),
            "summary": "Payments failed for 50 minutes after a config push.",
            "downtime_minutes": 50,
        }
        values.update(overrides)
        return create_incident(actor=actor or alice, data=IncidentInput(**values))

    return make


@pytest.fixture
def make_postmortem(make_incident: Any, alice: Any) -> Callable[..., Any]:
    from hansei.postmortems.document.services import create_postmortem

    def make(
        actor: Any = None, incident: Any = None, *, complete: bool = True, **kwargs: Any
    ) -> Any:
        """``complete``: its required sections written, as review asks (False: as started)."""
        postmortem = create_postmortem(
            actor=actor or alice, incident=incident or make_incident(), **kwargs
        )
        if complete:
            fill_required_sections(postmortem)
        return postmortem

    return make


def fill_required_sections(postmortem: Any, text: str = "") -> None:
    """Write the required sections a new draft leaves empty (the template's root causes,
    trigger, resolution...): a draft is submitted for review only with them written.
    ``text``: what to write in each (by default a sentence naming the section). Call it
    before the first edit through the services, which seeds the live text from these rows."""
    from hansei.postmortems.template_library.models import SectionKind

    empty = postmortem.sections.filter(required=True, kind=SectionKind.MARKDOWN, body="")
    for section in empty:
        section.body = text or f"{section.title}: as the team understood it after the incident."
        section.save(update_fields=["body"])


FULL_CHECKLIST = {
    "data_collected": True,
    "impact_complete": True,
    "root_cause_deep": True,
    "action_plan_appropriate": True,
    "tracking_issues_filed": True,
    "shared_with_right_people": True,
    "blameless": True,
    "similar_considered": True,
}


@pytest.fixture
def full_checklist() -> dict[str, bool]:
    return dict(FULL_CHECKLIST)


def _approved(postmortem: Any, alice: Any, rita: Any) -> Any:
    from hansei.reviews.services import approve_review, submit_for_review

    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Thorough.")
    postmortem.refresh_from_db()
    return postmortem


@pytest.fixture
def approved_postmortem(make_postmortem: Any, alice: Any, rita: Any) -> Any:
    """A postmortem Rita has approved, ready to publish."""
    return _approved(make_postmortem(), alice, rita)


@pytest.fixture
def restricted_approved_postmortem(make_postmortem: Any, alice: Any, rita: Any) -> Any:
    """Restricted to its team while a draft (who reads it is reviewed too), then approved."""
    from hansei.postmortems.document.services import update_postmortem

    postmortem = make_postmortem()
    update_postmortem(actor=alice, postmortem=postmortem, restricted=True)
    return _approved(postmortem, alice, rita)


@pytest.fixture
def published_postmortem(approved_postmortem: Any, alice: Any) -> Any:
    from hansei.postmortems.document.services import publish_postmortem

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    approved_postmortem.refresh_from_db()
    return approved_postmortem


# --- a real SMTP server -------------------------------------------------------------------


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    """An aiosmtpd server on localhost; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def message_text(message: Message) -> str:
    """The text/plain body of an email message."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


# --- a real browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser. Missing Chromium fails, never skips."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is required for browser tests: install it ({CHROMIUM})")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}


# Every page reports what the Content-Security-Policy blocked, through a binding that outlives
# navigations (Chromium also logs each violation to the console, which is recorded too).
CSP_WATCH_SCRIPT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hanseiCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.href}:${event.lineNumber} (${location.pathname})`);
}, true);
"""


class CspWatchedBrowser:
    """The session's Chromium, whose every context records CSP violations into a list."""

    def __init__(self, browser: Any, violations: list[str]) -> None:
        self._browser = browser
        self._violations = violations

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.expose_binding(
            "__hanseiCspViolation", lambda _source, text: self._violations.append(text)
        )
        context.add_init_script(CSP_WATCH_SCRIPT)
        context.on("console", self._console)
        return context

    def new_page(self, **options: Any) -> Any:
        return self.new_context(**options).new_page()

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self._violations.append(f"console: {message.text}")


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy blocked in this test's pages. A browser test fails
    when it is not empty at the end; a test that provokes a violation on purpose clears it."""
    return []


@pytest.fixture
def browser(browser: Any, csp_violations: list[str]) -> Iterator[Any]:
    """Browser tests run under the real policy and fail on any violation of it."""
    yield CspWatchedBrowser(browser, csp_violations)
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp_violations))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Close a browser test's pages before its fixtures (the live server, the database) are
    torn down: a request still running in the live server would race the database flush."""
    browser = getattr(item, "funcargs", {}).get("browser")
    if browser is None:
        return
    for context in list(browser.contexts):
        for page in context.pages:
            # A page that never settles is closed all the same.
            with contextlib.suppress(Exception):
                page.wait_for_load_state("networkidle", timeout=5000)
        context.close()


@pytest.fixture
def login(live_server: Any) -> Callable[[Any, Any], None]:
    """Sign a Playwright page in as a user through the real login form."""

    def sign_in(page: Any, user: Any) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return sign_in


def signed_in_page(browser: Any, base: str, username: str, **context: Any) -> Any:
    """A new browser context's page, signed in as ``username`` through the login form at
    ``base`` (the live server, or a server process of the live-editing tests)."""
    options = {"locale": "en-US", "timezone_id": "UTC", **context}
    page = browser.new_context(**options).new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".nav-user").wait_for(state="attached")
    return page


# The elements that reach past the right edge of a ``width`` px window, with the start of
# their markup: what to fix when a page is too wide.
CULPRITS = """(width) => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > width + 1)
  .slice(0, 6)
  .map((e) => e.outerHTML.slice(0, 100))
  .join(" | ")"""


def _scroll_width(page: Any) -> int:
    """The page's width once it has loaded. A check made just after a click can land while the
    next page is being committed (no document element yet, or the old one torn down): it waits
    for that page to load and measures again."""
    for _ in range(20):
        page.wait_for_load_state("load")
        try:
            scroll = page.evaluate(
                "document.documentElement && document.documentElement.scrollWidth"
            )
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "null" not in str(error):
                raise
            scroll = None
        if scroll:
            return int(scroll)
        page.wait_for_timeout(100)
    pytest.fail("the page never finished loading")


def check_widths(page: Any, name: str) -> None:
    """No page is wider than the screen, at 1440 px and on a 390 px phone (screenshots of both
    when HANSEI_SCREENSHOTS names a folder)."""
    screenshots = os.environ.get("HANSEI_SCREENSHOTS", "")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if screenshots:
            page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays on top
            page.screenshot(path=f"{screenshots}/{name}-{width}.png", full_page=True)
        scroll = _scroll_width(page)
        if scroll > width:
            culprits = page.evaluate(CULPRITS, width)
            pytest.fail(f"{name} is {scroll}px wide at {width}px: {culprits}")
    page.set_viewport_size({"width": 1280, "height": 900})
