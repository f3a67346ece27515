"""No payload typed into Hansei runs, or makes a reader's browser reach outside, on any page.

A corpus of about fifty payloads (hansei/tests/xss/payloads.py) goes into every text field a person
can fill (hansei/tests/xss/dataset.py, which lists the fields left out and why), through the
real services; then every page that shows them is opened in Chromium, as the people who see
them, against a real server process (the live editor needs its WebSocket). A failure names
the payload, the field and the page.

Detection does not rely on the Content-Security-Policy (hansei/tests/xss/watch.py): pages run
with it bypassed, so an injected script or handler really runs and calls ``__xss(TAG)``;
payloads that load something point at a canary server that records every request; and a scan
of each page's markup finds what only an injection puts there (handlers, script URLs, frames,
``<base>``, forms posting elsewhere...), so a payload waiting for a click fails as well. Each
page must also show the payloads of the fields it displays: a page that never received the
payload would prove nothing. A calibration first checks that the watchers catch an injection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from hansei.accounts.models import Team
from hansei.collab.tests.servers import HanseiServer
from hansei.core.models import Job
from hansei.incidents.models import Service
from hansei.notifications.emails import compose
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.history.models import Version
from hansei.postmortems.writing_check.models import LintDismissal
from hansei.reviews.services import submit_for_review
from hansei.tests.xss.dataset import DataSet, build
from hansei.tests.xss.payloads import BY_NUMBER, tag
from hansei.tests.xss.visits import ANONYMOUS, Visits
from hansei.tests.xss.watch import Canary, Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_SHOWN = 60  # problems listed in a failure (a broken sanitizer makes thousands)
SEARCHED = "onerror"  # a word of many payloads: the archive's snippets highlight it


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.stop()


@pytest.fixture
def hansei_server(tmp_path: Path) -> Iterator[Callable[[], HanseiServer]]:
    """A Hansei server process (ASGI, WebSockets), started once the data set is committed."""
    started: list[HanseiServer] = []

    def start() -> HanseiServer:
        started.append(HanseiServer(tmp_path).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_no_payload_in_any_text_field_runs_or_reaches_outside_on_any_page(
    browser: Browser,
    canary: Canary,
    hansei_server: Callable[[], HanseiServer],
    alice: Any,
    bob: Any,
    rita: Any,
    ada: Any,
    charlie: Any,
    payments: Any,
    builtin_data: None,
) -> None:
    people = {"alice": alice, "bob": bob, "rita": rita, "ada": ada, "charlie": charlie}
    data = build(canary.origin, people, payments)
    server = hansei_server()
    visits = Visits(browser, server.url, Watch(app_origin=server.url, canary=canary))
    visits.calibrate()

    _chat_import(visits, data)
    _live_editor(visits, data, bob_pk=bob.pk)
    _writer_pages(visits, data)
    _reader_pages(visits, data)
    _admin_pages(visits, data, bob_pk=bob.pk)
    _exports(visits, data)
    _review_pages(visits, data, alice=alice, rita=rita)
    _emails(visits)

    problems = visits.report()
    listed = "\n".join(problems[:MAX_SHOWN])
    more = f"\n... and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
    assert not problems, f"{len(problems)} problems:\n{listed}{more}"


# --- the tour ---------------------------------------------------------------------------------


def _chat_import(visits: Visits, data: DataSet) -> None:
    """Paste a chat log of payloads, look at its preview, import it into the timeline."""
    pk, start = data.ids["postmortem"], data.ids["started_at"]
    author = f'"autofocus onfocus=__xss({tag(50, 16)}) x'  # a chat name has no < > : [ ]
    lines = [
        f"[{(start + timedelta(minutes=n + 1)):%Y-%m-%d %H:%M}Z] {author}: {' '.join(t.split())}"
        for n, t in enumerate(data.texts(49, 2000))
    ]

    def paste(page: Page) -> None:
        page.locator("#id_pasted").fill("\n".join(lines))
        page.locator("#id_fmt").select_option("chat")
        page.locator("#import-form button[type=submit]").click()
        page.locator("#import-preview").wait_for()

    page = visits.open("alice", f"/postmortems/{pk}/timeline/import/", (49, 50), ready=paste)

    def confirm() -> None:
        visits.watch.at(page, f"/postmortems/{pk}/ as alice, after the import")
        page.locator("#import-preview button[type=submit]").click()
        page.wait_for_url(f"**/postmortems/{pk}/#timeline")
        visits.watch.settle(page)

    visits.attempt("import the chat log", confirm)


def _editor_ready(page: Page) -> None:
    page.locator("#section-summary .cm-content").wait_for()
    page.locator("#collab-status:is([data-state='saved'], [data-state='readonly'])").wait_for()


def _live_editor(visits: Visits, data: DataSet, bob_pk: int) -> None:
    """Alice and Bob in the live editor: she sees his name (presence, his caret), her typing
    fetches the section's preview into the page, and his new timeline entry reaches her page
    through a live update."""
    pk = data.ids["postmortem"]
    bob = visits.open("bob", f"/postmortems/{pk}/", ready=_editor_ready)
    shows = (10, 14, 18, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 36, 37, 38, 40, 41)
    shows += (43, 44, 45, 46, 47, 49, 53)
    alice = visits.open("alice", f"/postmortems/{pk}/?timeline=all", shows, ready=_editor_ready)
    text = data.line(28, 2000, skip=3)

    def together() -> None:
        bob.locator("#section-summary .cm-content").click()
        bob.keyboard.press("Control+Home")
        alice.locator(f"#presence [data-user-id='{bob_pk}']").wait_for(state="attached")
        alice.locator("#section-summary").scroll_into_view_if_needed()
        alice.locator("#section-summary .cm-ySelectionInfo").wait_for(state="attached")
        alice.locator("#section-summary .cm-content").click()
        with alice.expect_response(lambda r: "/postmortems/preview/" in r.url):
            alice.keyboard.type(" typed")
        form = bob.locator("#timeline form.card-footer")
        at = data.ids["started_at"] + timedelta(minutes=30)
        form.locator("input[name=occurred_at]").fill(f"{at:%Y-%m-%dT%H:%M}")
        form.locator("input[name=text]").fill(text)
        form.locator("input[name=is_key_event]").check()
        form.locator("button[type=submit]").click()
        alice.wait_for_function(
            "(text) => document.querySelector('#timeline').textContent.includes(text)",
            arg=text.replace("\n", " ")[-40:],
        )

    visits.attempt("write together in the live editor", together)
    visits.watch.settle(alice)
    visits.check(alice, f"/postmortems/{pk}/ as alice, after live updates", (19, 27, 28))


def _writer_pages(visits: Visits, data: DataSet) -> None:
    pk, incident = data.ids["postmortem"], data.ids["incident"]
    latest = _latest_version(pk)
    revision_shows = (24, 26, 27, 28, 30, 33, 36, 37, 38)
    for path, shows in [
        ("/", (18, 53)),
        ("/incidents/", (10, 14, 53)),
        (f"/incidents/{incident}/", (10, 11, 13, 14, 19, 26)),
        (f"/incidents/{data.ids['third_incident']}/", (12, 19, 53)),
        (f"/incidents/{incident}/edit/", (10, 11)),
        (f"/incidents/{data.ids['second_incident']}/", (53, 14)),
        ("/postmortems/", (26,)),
        (f"/postmortems/{pk}/details/", (26,)),
        (f"/postmortems/{pk}/history/", (26,)),
        (f"/postmortems/{pk}/history/{latest}/", (24, 27)),
        (f"/postmortems/{pk}/history/compare/?from=1&to={latest}", (27,)),
        (f"/postmortems/{pk}/revisions/", (26, 48)),
        (f"/postmortems/{pk}/revisions/1/", revision_shows),
        (f"/postmortems/{pk}/revisions/2/", (*revision_shows, 48)),
        (f"/postmortems/{pk}/submit/", (20, 26)),
        (f"/postmortems/{pk}/comments/", (45, 46, 47)),
        ("/notifications/", (19, 26)),
        ("/accounts/settings/", (18, 21)),
        ("/incidents/policy/", (14, 15)),
    ]:
        visits.open("alice", path, shows)
    script_url = data.script_url(29)

    def refuse_link(page: Page) -> None:
        page.locator("#id_link_url").fill(script_url)
        page.locator("main form button[type=submit]").click()
        page.locator("#id_link_url[aria-invalid=true], .errorlist").first.wait_for()

    entry = f"/postmortems/{pk}/timeline/{data.ids['timeline_entry']}/"
    visits.open("alice", entry, (28, 29), ready=refuse_link)


def _latest_version(pk: int) -> int:
    return int(Version.objects.filter(postmortem_id=pk).order_by("-number")[0].number)


def _reader_pages(visits: Visits, data: DataSet) -> None:
    pk = data.ids["postmortem"]
    query = BY_NUMBER[14].render(51, visits.watch.canary.origin)
    param = quote(BY_NUMBER[14].render(52, visits.watch.canary.origin), safe="")
    visits.open("bob", "/", (19, 26, 30))
    visits.open("bob", "/actions/", (30, 62))
    visits.open("bob", "/actions/?show=all", (30,))
    visits.open(
        "bob", f"/actions/{data.ids['action_item']}/edit/?next={param}", (30, 32, 52, 61, 62)
    )
    visits.open("bob", "/notifications/", (18, 26))
    visits.open("rita", "/", (20,))
    # A reviewer reads the draft as a document, and may open the live text to comment.
    visits.open("rita", f"/postmortems/{pk}/", (27, 41, 45))
    visits.open("rita", f"/postmortems/{pk}/?view=live", (27, 41, 45), ready=_editor_ready)
    visits.open("rita", "/notifications/", (18, 26))
    # The customer version: its writers' page, and the public page anyone with the address reads.
    visits.open("alice", f"/postmortems/{pk}/customer/", (63, 64, 65))
    # Charlie is outside the team: he reads the latest published revision, not the draft.
    visits.open("charlie", f"/postmortems/{pk}/", (26, 27, 28, 30, 55))
    visits.open("charlie", f"/archive/?q={SEARCHED}", (26, 27), ready=_highlighted)
    visits.open("charlie", f"/archive/?q={quote(query, safe='')}", (51, 67))
    year, month = data.ids["award_round"]
    visits.open("charlie", "/culture/", (18, 19, 26, 69))
    visits.open("charlie", f"/culture/awards/{year}/{month}/", (19, 26, 68))
    visits.open("charlie", "/people/alice/", (18, 19, 26, 69))
    visits.open("charlie", f"/culture/postmortems/{pk}/", (18, 19, 26, 69))
    visits.open("ada", "/culture/feedback/", (16, 18, 20, 70))
    visits.open("charlie", "/culture/reading/", (71, 72, 75, 76))
    visits.open("charlie", f"/culture/reading/lists/{data.ids['reading_list']}/", (71, 72, 73, 74))
    visits.open(
        "charlie",
        f"/culture/reading/sessions/{data.ids['reading_session']}/",
        (18, 73, 74, 75, 76, 77, 78),
    )
    visits.open("alice", f"/culture/reading/sessions/{data.ids['reading_session']}/", (75, 77, 78))
    visits.open("charlie", f"/culture/drills/{data.ids['drill']}/", (26, 28, 79, 80, 81, 83))
    visits.open(
        "alice", f"/culture/drills/{data.ids['drill']}/master/", (26, 27, 28, 79, 80, 81, 82)
    )
    visits.open("alice", f"/culture/drills/{data.ids['drill']}/edit/", (28, 80, 81, 82, 83))
    visits.open("alice", f"/culture/drills/{data.ids['planned_drill']}/edit/", (28, 80, 81, 82, 83))
    visits.open("charlie", "/culture/drills/", (16, 18, 26))
    # The meeting pack, shown in a room, and the leaders' view (what was learned, what waits).
    visits.open("charlie", f"/culture/pack/{year}/{month}/", (16, 26, 27, 30))
    visits.open("ada", "/culture/leaders/", (16, 26))
    # Query parameters pages may echo back.
    visits.open("alice", f"/incidents/?team={param}&severity={param}", ())
    visits.open("alice", f"/postmortems/?show={param}", ())
    visits.open("alice", f"/postmortems/{pk}/comments/?comments={param}", (45,))
    visits.open("alice", f"/postmortems/{pk}/history/compare/?from={param}&to=1", ())
    visits.open("alice", f"/postmortems/{param}/", ())
    # A visitor whose browser says it is a payload fails to sign in as another: both land in
    # the audit log, and the sign-in form shows the name back.
    visits.page(ANONYMOUS, user_agent=data.line(56, 300))
    name = data.line(57, 150)

    def fail_to_sign_in(page: Page) -> None:
        page.locator("#id_username").fill(name)
        page.locator("#id_password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.locator(".errorlist").first.wait_for()

    visits.open(ANONYMOUS, f"/accounts/login/?next={param}", (57,), ready=fail_to_sign_in)
    # (after the sign-in above: the visitor's browser is made once, with its User-Agent)
    visits.open(ANONYMOUS, f"/reports/{data.ids['customer_token']}/", (63, 64, 65))


def _highlighted(page: Page) -> None:
    page.locator("mark").first.wait_for()


def _admin_pages(visits: Visits, data: DataSet, bob_pk: int) -> None:
    service = Service.objects.filter(slug__startswith="xss-")[0].pk
    category = ContributingFactorCategory.objects.filter(name__contains="__xss")[0].pk
    dismissal = LintDismissal.objects.filter(text__contains="__xss")[0].pk
    job = Job.objects.filter(kind="notifications.send_email")[0].pk
    team = Team.objects.get(slug="payments").pk
    recipients = data.line(54, 1000)

    def refuse_recipients(page: Page) -> None:
        page.locator("#id_announcement_recipients").fill(recipients)
        page.locator("main form button[type=submit]").click()
        page.locator(".errorlist").first.wait_for()

    visits.open("ada", "/incidents/policy/edit/", (54,), ready=refuse_recipients)
    for path, shows in [
        ("/postmortems/templates/", (22, 23)),
        (f"/postmortems/templates/{data.ids['template']}/", (22, 23, 24, 25)),
        ("/manage/", ()),
        ("/manage/people/", (16, 18, 19, 20, 55)),
        (f"/manage/people/{bob_pk}/", (16, 19)),
        ("/manage/teams/", (16, 18)),
        ("/manage/search/", (66,)),
        ("/insights/?days=365", (13, 34)),
        (f"/manage/teams/{team}/", (16, 18, 19, 20)),
        ("/admin/", ()),
        ("/admin/incidents/service/", (13,)),
        (f"/admin/incidents/service/{service}/change/", (13,)),
        (f"/admin/accounts/team/{team}/change/", (16, 17)),
        (f"/admin/accounts/user/{bob_pk}/change/", (19,)),
        ("/admin/postmortems/contributingfactorcategory/", (34, 35)),
        (f"/admin/postmortems/contributingfactorcategory/{category}/change/", (34, 35)),
        ("/admin/postmortems/lintdismissal/", (39,)),
        (f"/admin/postmortems/lintdismissal/{dismissal}/change/", (39, 40)),
        ("/audit/", (18, 26, 56, 57)),
        ("/admin/core/job/", ()),
        (f"/admin/core/job/{job}/change/", (26,)),
    ]:
        visits.open("ada", path, shows)


def _exports(visits: Visits, data: DataSet) -> None:
    """Exports are downloads, never pages a browser would render as HTML."""
    pk = data.ids["postmortem"]
    for username, path, kind in (
        ("alice", f"/postmortems/{pk}/export.md", "text/markdown"),
        ("alice", f"/postmortems/{pk}/export.json", "application/json"),
        ("ada", "/audit/export.jsonl", "application/x-ndjson"),
    ):
        response = visits.page(username).request.get(visits.base + path)
        headers = response.headers
        checks = {
            "answers 200": response.status == 200,
            f"is {kind}": headers.get("content-type", "").startswith(kind),
            "is an attachment": headers.get("content-disposition", "").startswith("attachment"),
            "is not sniffed": headers.get("x-content-type-options") == "nosniff",
            "holds the payloads": "__xss(" in response.text(),
        }
        visits.problems += [
            f"{path} {what}: no ({headers})" for what, ok in checks.items() if not ok
        ]


def _review_pages(visits: Visits, data: DataSet, alice: Any, rita: Any) -> None:
    """The decided reviews, then a new round: Rita's pending review, with its form, and the
    postmortem in review as she sees it."""
    pk = data.ids["postmortem"]
    visits.open("rita", f"/postmortems/{pk}/reviews/{data.ids['review']}/", (41,))
    visits.open("rita", f"/postmortems/{pk}/reviews/{data.ids['approved_review']}/", (42,))
    postmortem = Postmortem.objects.get(pk=pk)
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    visits.open("rita", f"/postmortems/{pk}/reviews/{review.pk}/", (26, 27))
    visits.open("rita", f"/postmortems/{pk}/", (27, 28, 30))
    visits.open("rita", f"/postmortems/{pk}/?view=live", (27, 28, 30), ready=_editor_ready)


def _emails(visits: Visits) -> None:
    """Each queued e-mail's HTML part, opened as a mail client would: no policy at all."""
    page = visits.page("alice")
    kinds: dict[str, int] = defaultdict(int)
    for job in Job.objects.filter(kind="notifications.email").order_by("pk"):
        message = compose(job.payload)
        if message is None:
            continue
        kind = _email_kind(str(message.subject))
        kinds[kind] += 1
        label = f"e-mail {job.pk} ({kind})"
        visits.watch.at(page, label)
        page.goto("about:blank")
        [(html, _mime)] = message.alternatives
        page.set_content(str(html))
        visits.watch.settle(page)
        # About an action item, an e-mail names the item (its owner may not read the postmortem).
        visits.check(page, label, (30,) if kind == "action item" else (26,))
    for kind in (
        "published",
        "amended",
        "mention",
        "changes requested",
        "review requested",
        "action item",
    ):
        if not kinds[kind]:
            visits.problems.append(f"no {kind} e-mail was queued: {dict(kinds)}")


def _email_kind(subject: str) -> str:
    for prefix, kind in (
        ("[Postmortem amended]", "amended"),
        ("[Postmortem]", "published"),
        ("Changes requested", "changes requested"),
        ("Review requested", "review requested"),
        ("Postmortem to write", "assigned"),
        ("Action item for you", "action item"),
    ):
        if subject.startswith(prefix):
            return kind
    return "mention" if "mentioned you" in subject else subject
