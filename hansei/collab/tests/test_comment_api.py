"""Comment threads over the API: the same rules as the pages, JSON errors, where the text is."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.collab.comments.models import Comment, CommentThread, ThreadStatus
from hansei.collab.tests.test_anchors import VALID, select_with_yjs
from hansei.notifications.models import Notification
from hansei.postmortems.document.services import update_section

pytestmark = pytest.mark.django_db

TRIGGER = "Löwe 😀: a config push met a cache that expired everywhere at once."


@pytest.fixture
def draft(make_postmortem: Any, alice: Any) -> Any:
    postmortem = make_postmortem()
    update_section(actor=alice, section=postmortem.sections.get(key="trigger"), body=TRIGGER)
    return postmortem


def test_it_discusses_selected_text_from_start_to_resolution(
    alice: Any, bob: Any, draft: Any
) -> None:
    api, teammate = ApiClient(bob), ApiClient(alice)
    start, end = select_with_yjs(draft.pk, "trigger", "cache that expired")

    created = api.post(
        f"/postmortems/{draft.pk}/comments",
        {
            "body": "Which **cache**? @alice",
            "section_key": "trigger",
            "anchor_start": start,
            "anchor_end": end,
            "quote": "cache that expired",
        },
    )

    assert created.status_code == 201, created.content
    thread = created.json()
    assert thread["status"] == "open" and thread["orphaned"] is False
    assert thread["anchored_text"] == "cache that expired"
    assert thread["created_by"]["username"] == "bob"
    [comment] = thread["comments"]
    assert comment["body_html"] == "<p>Which <strong>cache</strong>? @alice</p>\n"
    assert comment["mentions"] == ["alice"]
    assert CommentThread.objects.get().anchor_start == start

    reply = teammate.post(
        f"/postmortems/{draft.pk}/comments/{thread['id']}/replies", {"body": "The CDN's."}
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["author"]["username"] == "alice"

    update_section(
        actor=alice,
        section=draft.sections.get(key="trigger"),
        body="Löwe 😀 says: the config push met a cache that had expired everywhere at once.",
    )
    [listed] = api.get(f"/postmortems/{draft.pk}/comments").json()
    assert listed["anchored_text"] == "cache that had expired"
    assert [c["body"] for c in listed["comments"]] == ["Which **cache**? @alice", "The CDN's."]

    resolved = teammate.post(f"/postmortems/{draft.pk}/comments/{thread['id']}/resolve")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"]["username"] == "alice"
    assert api.get(f"/postmortems/{draft.pk}/comments").json() == []
    assert len(api.get(f"/postmortems/{draft.pk}/comments", status="all").json()) == 1
    assert_error(teammate.post(f"/postmortems/{draft.pk}/comments/{thread['id']}/resolve"), 409)

    reopened = api.post(f"/postmortems/{draft.pk}/comments/{thread['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert CommentThread.objects.get().status == ThreadStatus.OPEN


def test_it_reports_an_orphaned_thread_with_its_quote(alice: Any, bob: Any, draft: Any) -> None:
    api = ApiClient(bob)
    start, end = select_with_yjs(draft.pk, "trigger", "everywhere at once")
    created = api.post(
        f"/postmortems/{draft.pk}/comments",
        {"body": "Jitter?", "section_key": "trigger", "anchor_start": start, "anchor_end": end},
    ).json()
    assert created["quote"] == "everywhere at once"  # taken from the text

    section = draft.sections.get(key="trigger")
    update_section(actor=alice, section=section, body=TRIGGER.replace(" everywhere at once", ""))

    thread = api.get(f"/postmortems/{draft.pk}/comments/{created['id']}").json()
    assert thread["orphaned"] is True and thread["anchored_text"] == ""
    assert thread["quote"] == "everywhere at once" and thread["status"] == "open"


def test_charlie_gets_404_for_everything_and_changes_nothing(
    bob: Any, charlie: Any, draft: Any
) -> None:
    thread = ApiClient(bob).post(f"/postmortems/{draft.pk}/comments", {"body": "Ours"}).json()
    api = ApiClient(charlie)
    base = f"/postmortems/{draft.pk}/comments"

    assert_error(api.get(base), 404)
    assert_error(api.get(f"{base}/{thread['id']}"), 404)
    assert_error(api.post(base, {"body": "Hi"}), 404)
    assert_error(api.post(f"{base}/{thread['id']}/replies", {"body": "Hi"}), 404)
    assert_error(api.post(f"{base}/{thread['id']}/resolve"), 404)
    assert Comment.objects.count() == 1
    assert CommentThread.objects.get().status == ThreadStatus.OPEN


def test_a_reader_outside_the_team_comments_on_a_published_postmortem(
    charlie: Any, rita: Any, published_postmortem: Any
) -> None:
    api = ApiClient(charlie)
    base = f"/postmortems/{published_postmortem.pk}/comments"
    created = api.post(base, {"body": "Was there a canary?"})
    assert created.status_code == 201, created.content
    assert [t["id"] for t in api.get(base).json()] == [created.json()["id"]]
    assert_error(ApiClient(rita).post(f"{base}/{created.json()['id']}/resolve"), 403)
    assert api.post(f"{base}/{created.json()['id']}/resolve").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "Hi", "section_key": "nope"}, "section_key"),
        (
            {"body": "Hi", "section_key": "trigger", "anchor_start": "!!", "anchor_end": VALID},
            "anchor_start",
        ),
        (
            {"body": "Hi", "section_key": "trigger", "anchor_start": VALID, "anchor_end": "A"},
            "anchor_end",
        ),
        ({"body": "Hi", "anchor_start": VALID, "anchor_end": VALID}, "section_key"),
        ({"body": "Hi", "section_key": "trigger", "quote": "q" * 1_001}, "quote"),
    ],
)
def test_it_refuses_bad_input_with_a_json_error_and_writes_nothing(
    alice: Any, bob: Any, draft: Any, payload: dict[str, str], field: str
) -> None:
    payload = {**payload, "body": payload["body"] and payload["body"] + " @alice"}

    response = ApiClient(bob).post(f"/postmortems/{draft.pk}/comments", payload)

    assert_error(response, 400, field)
    assert not CommentThread.objects.exists() and not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_it_refuses_a_body_that_is_not_text(bob: Any, draft: Any) -> None:
    response = ApiClient(bob).post(f"/postmortems/{draft.pk}/comments", {"body": ["no"]})
    assert_error(response, 422, "body")
    assert not CommentThread.objects.exists()


def test_the_openapi_document_lists_the_comment_endpoints(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/postmortems/{pk}/comments" in paths
    assert "/api/v1/postmortems/{pk}/comments/{thread_id}/replies" in paths


def test_the_answer_to_posting_names_who_was_not_told(
    alice: Any, bob: Any, charlie: Any, draft: Any
) -> None:
    api = ApiClient(alice)
    thread = api.post(f"/postmortems/{draft.pk}/comments", {"body": "@charlie @bob look"}).json()
    [first] = thread["comments"]
    assert first["mentions"] == ["bob"] and first["not_told"] == ["charlie"]

    reply = api.post(
        f"/postmortems/{draft.pk}/comments/{thread['id']}/replies", {"body": "@charlie?"}
    ).json()
    assert reply["not_told"] == ["charlie"]
    listed = api.get(f"/postmortems/{draft.pk}/comments").json()
    assert all(c["not_told"] == [] for t in listed for c in t["comments"])
