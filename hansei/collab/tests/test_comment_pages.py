"""The comment panel through HTTP: starting threads (on the whole postmortem or on selected
text), replies, resolving, orphans, who sees what, and bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from hansei.collab.comments.models import Comment, CommentThread, ThreadStatus
from hansei.collab.live import broadcast
from hansei.collab.tests.test_anchors import VALID, select_with_yjs
from hansei.notifications.models import Notification
from hansei.postmortems.document.services import start_amendment, update_section

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TRIGGER = "A config push met a cache that expired everywhere at once."


def _url(name: str, postmortem: Any, *args: Any) -> str:
    return reverse(f"collab:{name}", args=[postmortem.pk, *args])


@pytest.fixture
def draft(make_postmortem: Any, alice: Any) -> Any:
    postmortem = make_postmortem()
    update_section(actor=alice, section=postmortem.sections.get(key="trigger"), body=TRIGGER)
    return postmortem


def _text_comment(postmortem: Any, part: str, body: str = "Which config?") -> dict[str, str]:
    start, end = select_with_yjs(postmortem.pk, "trigger", part)
    return {
        "section_key": "trigger",
        "anchor_start": start,
        "anchor_end": end,
        "quote": part,
        "body": body,
    }


def test_it_starts_a_thread_on_the_whole_postmortem_in_place(
    client: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    response = client.post(_url("new_thread", draft), {"body": "Should we add **graphs**?"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    thread = CommentThread.objects.get(postmortem=draft)
    assert html.startswith('<section id="comment-panel"')
    assert f'<li id="thread-{thread.pk}" class="thread"' in html
    assert 'data-section=""' in html and 'data-status="open"' in html
    assert "<strong>graphs</strong>" in html and "On the whole postmortem" in html
    assert '<span class="count">1 open</span>' in html
    assert (thread.section_key, thread.anchor_start, thread.quote) == ("", "", "")
    assert thread.created_by == bob and thread.status == ThreadStatus.OPEN
    assert [c.body for c in thread.comments.all()] == ["Should we add **graphs**?"]


def test_without_javascript_it_goes_back_to_the_thread_on_the_postmortem(
    client: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    response = client.post(_url("new_thread", draft), {"body": "A question"})

    thread = CommentThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/postmortems/{draft.pk}/#thread-{thread.pk}"
    page = client.get(_url("comments", draft))
    assert page.status_code == 200 and "A question" in page.content.decode()
    assert "<title>" in page.content.decode()  # a whole page, not the fragment


def test_it_anchors_a_thread_to_the_selected_text(client: Any, bob: Any, draft: Any) -> None:
    client.force_login(bob)
    data = _text_comment(draft, "cache that expired")

    response = client.post(_url("new_thread", draft), data, **HTMX)

    assert response.status_code == 200, response.content
    thread = CommentThread.objects.get()
    assert (thread.section_key, thread.quote) == ("trigger", "cache that expired")
    assert (thread.anchor_start, thread.anchor_end) == (data["anchor_start"], data["anchor_end"])
    html = response.content.decode()
    assert f'data-anchor-start="{data["anchor_start"]}"' in html
    assert 'data-section="trigger"' in html and '<a href="#section-trigger">Trigger</a>' in html
    assert '<blockquote class="comment-quote">cache that expired</blockquote>' in html
    assert "is-orphaned" not in html


def test_it_takes_the_quote_from_the_text_when_none_is_sent(
    client: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    data = {**_text_comment(draft, "config push"), "quote": ""}

    assert client.post(_url("new_thread", draft), data, **HTMX).status_code == 200

    assert CommentThread.objects.get().quote == "config push"


def test_a_thread_whose_text_was_deleted_stays_listed_as_orphaned(
    client: Any, alice: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    client.post(_url("new_thread", draft), _text_comment(draft, "that expired"), **HTMX)
    section = draft.sections.get(key="trigger")
    update_section(actor=alice, section=section, body="A config push met a cold cache.")

    html = client.get(_url("comments", draft), **HTMX).content.decode()

    thread = CommentThread.objects.get()
    assert f'class="thread is-orphaned" data-thread-id="{thread.pk}"' in html
    assert "Orphaned: the text it pointed at was deleted" in html
    assert '<blockquote class="comment-quote">that expired</blockquote>' in html
    assert thread.status == ThreadStatus.OPEN


def test_it_replies_resolves_and_reopens_a_thread(
    client: Any, alice: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    client.post(_url("new_thread", draft), {"body": "Is the cache TTL documented?"}, **HTMX)
    thread = CommentThread.objects.get()
    client.force_login(alice)

    replied = client.post(_url("reply", draft, thread.pk), {"body": "Now it is."}, **HTMX)
    assert replied.status_code == 200 and "Now it is." in replied.content.decode()
    assert [c.author for c in thread.comments.all()] == [bob, alice]

    resolved = client.post(_url("resolve", draft, thread.pk), **HTMX)
    assert resolved.status_code == 200
    assert '<span class="count">0 open</span>' in resolved.content.decode()
    assert f'id="thread-{thread.pk}"' not in resolved.content.decode()
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.RESOLVED and thread.resolved_by == alice

    listed = client.get(_url("comments", draft) + "?comments=resolved", **HTMX).content.decode()
    assert 'data-status="resolved"' in listed and "Resolved by Alice" in listed
    again = client.post(_url("resolve", draft, thread.pk) + "?comments=resolved", **HTMX)
    assert again.status_code == 409 and "already resolved" in again.content.decode()

    reopened = client.post(_url("reopen", draft, thread.pk), **HTMX)
    assert reopened.status_code == 200 and "1 open" in reopened.content.decode()
    thread.refresh_from_db()
    assert (thread.status, thread.resolved_by, thread.resolved_at) == (
        ThreadStatus.OPEN,
        None,
        None,
    )


def test_charlie_sees_nothing_of_another_teams_draft(
    client: Any, bob: Any, charlie: Any, draft: Any
) -> None:
    client.force_login(bob)
    client.post(_url("new_thread", draft), {"body": "Internal question"})
    thread = CommentThread.objects.get()
    client.force_login(charlie)

    assert client.get(_url("comments", draft)).status_code == 404
    assert client.post(_url("new_thread", draft), {"body": "Hi"}).status_code == 404
    assert client.post(_url("reply", draft, thread.pk), {"body": "Hi"}).status_code == 404
    assert client.post(_url("resolve", draft, thread.pk)).status_code == 404
    assert Comment.objects.count() == 1
    assert CommentThread.objects.get().status == ThreadStatus.OPEN


def test_a_thread_is_only_found_under_its_own_postmortem(
    client: Any, bob: Any, draft: Any, make_postmortem: Any
) -> None:
    other = make_postmortem()
    client.force_login(bob)
    client.post(_url("new_thread", draft), {"body": "Here"})
    thread = CommentThread.objects.get()

    assert client.post(_url("reply", other, thread.pk), {"body": "There"}).status_code == 404
    assert Comment.objects.count() == 1


def test_a_reader_outside_the_team_discusses_a_published_postmortem(
    client: Any, alice: Any, charlie: Any, rita: Any, published_postmortem: Any
) -> None:
    client.force_login(charlie)
    assert client.get(_url("comments", published_postmortem)).status_code == 200
    response = client.post(
        _url("new_thread", published_postmortem), {"body": "Did a canary exist?"}, **HTMX
    )
    assert response.status_code == 200
    thread = CommentThread.objects.get()
    assert thread.created_by == charlie
    assert "Resolve</button>" in response.content.decode()  # charlie wrote it

    client.force_login(rita)  # a reviewer: reads it, neither wrote the thread nor edits it
    html = client.get(_url("comments", published_postmortem), **HTMX).content.decode()
    assert "Did a canary exist?" in html and "Resolve</button>" not in html
    assert client.post(_url("resolve", published_postmortem, thread.pk)).status_code == 403
    client.force_login(alice)
    assert client.post(_url("resolve", published_postmortem, thread.pk)).status_code == 302
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.RESOLVED and thread.resolved_by == alice


def test_during_an_amendment_outside_readers_see_only_threads_on_the_whole_postmortem(
    client: Any, alice: Any, charlie: Any, published_postmortem: Any
) -> None:
    pm = published_postmortem
    start_amendment(actor=alice, postmortem=pm)
    update_section(actor=alice, section=pm.sections.get(key="trigger"), body=TRIGGER)
    client.force_login(alice)
    client.post(_url("new_thread", pm), _text_comment(pm, "config push", "Draft wording"))
    client.post(_url("new_thread", pm), {"body": "About the whole"})
    text_thread = CommentThread.objects.get(section_key="trigger")
    assert "Draft wording" in client.get(_url("comments", pm)).content.decode()

    client.force_login(charlie)
    html = client.get(_url("comments", pm), **HTMX).content.decode()
    assert "About the whole" in html and "Draft wording" not in html and "config push" not in html
    assert '<span class="count">1 open</span>' in html
    assert client.post(_url("reply", pm, text_thread.pk), {"body": "?"}).status_code == 404
    refused = client.post(_url("new_thread", pm), _text_comment(pm, "cache", "Mine"))
    assert refused.status_code == 403
    assert not Comment.objects.filter(body__in=["?", "Mine"]).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "   "}, "Write a comment."),
        ({"body": "x" * 10_001}, "too long (at most 10,000 characters)"),
        ({"body": "Hi", "section_key": "nope"}, "no text section “nope”"),
        ({"body": "Hi", "section_key": "timeline"}, "no text section “timeline”"),
        (
            {"body": "Hi", "section_key": "trigger", "anchor_start": "%%", "anchor_end": VALID},
            "not a text position",
        ),
        (
            {"body": "Hi", "section_key": "trigger", "anchor_start": VALID, "anchor_end": VALID},
            "not in the saved document yet",
        ),
        ({"body": "Hi", "anchor_start": VALID, "anchor_end": VALID}, "which section"),
        ({"body": "Hi", "section_key": "trigger", "quote": "q" * 1001}, "quote is too long"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(
    client: Any, bob: Any, alice: Any, draft: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(bob)
    if data["body"].strip():  # a mention in a refused comment tells nobody
        data = {**data, "body": data["body"] + " @alice"}

    response = client.post(_url("new_thread", draft), data, **HTMX)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html.startswith('<section id="comment-panel"')
    assert data["body"][:20] in html  # what was typed is kept
    assert not CommentThread.objects.exists() and not Comment.objects.exists()
    assert not Notification.objects.exists()
    without_js = client.post(_url("new_thread", draft), data)
    assert without_js.status_code == 400 and message in without_js.content.decode()


def test_a_selection_in_another_section_is_refused(client: Any, bob: Any, draft: Any) -> None:
    client.force_login(bob)
    data = {**_text_comment(draft, "config push"), "section_key": "summary"}

    response = client.post(_url("new_thread", draft), data, **HTMX)

    assert response.status_code == 400
    assert "not in this section" in response.content.decode()
    assert not CommentThread.objects.exists()


def test_an_empty_reply_is_refused_and_nothing_changes(client: Any, bob: Any, draft: Any) -> None:
    client.force_login(bob)
    client.post(_url("new_thread", draft), {"body": "First"})
    thread = CommentThread.objects.get()
    activity = thread.last_activity_at

    response = client.post(_url("reply", draft, thread.pk), {"body": ""}, **HTMX)

    assert response.status_code == 400 and "Write a comment." in response.content.decode()
    thread.refresh_from_db()
    assert thread.comments.count() == 1 and thread.last_activity_at == activity


def test_comments_are_rendered_from_markdown_without_scripts(
    client: Any, bob: Any, draft: Any
) -> None:
    client.force_login(bob)
    body = "**bold** <script>alert(1)</script> [x](javascript:alert(2))"

    html = client.post(_url("new_thread", draft), {"body": body}, **HTMX).content.decode()

    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html and 'href="javascript' not in html


def test_every_change_tells_open_pages_to_refresh_the_panel(
    client: Any, alice: Any, draft: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(broadcast, "_send", lambda group, message: sent.append((group, message)))
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("new_thread", draft), {"body": "One"})
        thread = CommentThread.objects.get()
        client.post(_url("reply", draft, thread.pk), {"body": "Two"})
        client.post(_url("resolve", draft, thread.pk))
        client.post(_url("reopen", draft, thread.pk))
        client.post(_url("new_thread", draft), {"body": ""})  # refused: nothing to tell

    message = {"type": "postmortem.changed", "parts": ["comments"]}
    assert sent == [(f"collab.events.{draft.pk}", message)] * 4


def test_a_mention_of_someone_who_cannot_read_tells_the_writer_at_once(
    client: Any, alice: Any, bob: Any, charlie: Any, draft: Any
) -> None:
    """Charlie (another team) cannot read Payments' draft: he is not told, and Alice hears
    so in the panel (htmx) or as a message (a plain post), never silently. Bob is told.
    A name that is nobody's ("@here") is not a mistake and is not reported."""
    client.force_login(alice)
    body = {"body": "@charlie @bob @here can you check?"}

    panel = client.post(_url("new_thread", draft), body, **HTMX).content.decode()

    notice = re.search(r'<p class="callout callout-warning[^"]*" role="status">(.*?)</p>', panel)
    assert notice and notice.group(1) == "@charlie was not told: they cannot read this postmortem."
    assert [n.recipient for n in Notification.objects.all()] == [bob]

    thread = CommentThread.objects.get()
    page = client.post(_url("reply", draft, thread.pk), {"body": "@charlie again"}, follow=True)
    assert "@charlie was not told: they cannot read this postmortem." in page.content.decode()
    assert not Notification.objects.filter(recipient=charlie).exists()

    told = client.post(_url("reply", draft, thread.pk), {"body": "@bob ok"}, **HTMX)
    assert "not told" not in told.content.decode()
