"""While an amendment is drafted, readers outside it read the published revision everywhere.

Charlie (another team) may read the published postmortem; Bob (its team) writes the amendment.
Every read Charlie makes must show the published mark and never the draft's.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient
from hansei.postmortems.tests.amendment import (
    DRAFT_MARK,
    PUBLISHED_MARK,
    Amended,
    amended_postmortem,
)

pytestmark = pytest.mark.django_db

ANALYSIS_READS = [
    "/postmortems/{pk}",
    "/postmortems/{pk}/impact",
    "/postmortems/{pk}/contributing-factors",
    "/postmortems/{pk}/why-chains",
    "/postmortems/{pk}/meeting-notes",
    "/postmortems/{pk}/action-items",
    "/postmortems/{pk}/export",
    "/postmortems/{pk}/comments",
    "/postmortems?limit=200",
    "/action-items?owner=",
    "/search?q=" + PUBLISHED_MARK,
]


@pytest.fixture
def amended(make_postmortem: Any, alice: Any, rita: Any) -> Amended:
    return amended_postmortem(make_postmortem(), alice, rita)


@pytest.mark.parametrize("path", ANALYSIS_READS)
def test_a_reader_outside_the_amendment_gets_the_published_revision_through_the_api(
    amended: Amended, charlie: Any, bob: Any, path: str
) -> None:
    url = path.format(pk=amended.postmortem.pk)
    outside = ApiClient(charlie).get(url)
    assert outside.status_code == 200, outside.content
    assert DRAFT_MARK not in outside.content.decode()
    if "search" not in url and "comments" not in url:
        assert PUBLISHED_MARK in outside.content.decode()
    writer = ApiClient(bob).get(url)
    assert writer.status_code == 200
    if "search" not in url and "comments" not in url:
        assert DRAFT_MARK in writer.content.decode()


def test_the_postmortem_document_keeps_its_schema_for_readers_of_the_revision(
    amended: Amended, charlie: Any
) -> None:
    response = ApiClient(charlie).get(f"/postmortems/{amended.postmortem.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1 and body["status"] == "published"
    assert body["title"] == f"Title {PUBLISHED_MARK}"
    assert [s["body"] for s in body["sections"] if PUBLISHED_MARK in s["body"]]
    assert [item["id"] for item in body["action_items"]] == [amended.published_item_id]
    assert [r["id"] for r in body["reviews"]] == [amended.published_review_id]
    assert body["publish_blockers"] == [] and body["missing_sections"] == []


def test_a_writer_reads_the_draft_with_no_revision_number(amended: Amended, bob: Any) -> None:
    body = ApiClient(bob).get(f"/postmortems/{amended.postmortem.pk}").json()
    assert body["revision"] is None and body["status"] == "draft"
    assert body["title"] == f"Title {DRAFT_MARK}"


def test_the_draft_s_new_action_item_and_review_are_not_found_by_outside_readers(
    amended: Amended, charlie: Any, bob: Any
) -> None:
    outside, writer = ApiClient(charlie), ApiClient(bob)
    assert outside.get(f"/action-items/{amended.draft_item_id}").status_code == 404
    assert outside.get(f"/action-items/{amended.published_item_id}").status_code == 200
    assert outside.get(f"/reviews/{amended.draft_review_id}").status_code == 404
    assert outside.get(f"/reviews/{amended.published_review_id}").status_code == 200
    assert writer.get(f"/action-items/{amended.draft_item_id}").status_code == 200
    assert writer.get(f"/reviews/{amended.draft_review_id}").status_code == 200


def test_the_owner_of_a_draft_s_action_item_sees_it(
    amended: Amended, charlie: Any, alice: Any
) -> None:
    from hansei.action_items.models import ActionItem

    ActionItem.objects.filter(pk=amended.draft_item_id).update(owner=charlie)
    response = ApiClient(charlie).get(f"/action-items/{amended.draft_item_id}")
    assert response.status_code == 200 and response.json()["owner"] == "charlie"


@pytest.mark.parametrize(
    "path",
    [
        "/postmortems/",
        "/actions/?show=open",
        "/archive/?q=" + PUBLISHED_MARK,
        "/postmortems/{pk}/revisions/",
        "/postmortems/{pk}/revisions/1/",
        "/postmortems/{pk}/export.md",
        "/postmortems/{pk}/export.json",
        "/postmortems/{pk}/comments/",
        "/incidents/",
        "/",
    ],
)
def test_pages_show_readers_outside_the_amendment_only_what_was_published(
    amended: Amended, charlie: Any, path: str
) -> None:
    client = Client()
    client.force_login(charlie)
    response = client.get(path.format(pk=amended.postmortem.pk), follow=True)
    assert response.status_code == 200
    assert DRAFT_MARK not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/postmortems/{pk}/reviews/{review}/",
        "/postmortems/{pk}/history/",
        "/postmortems/{pk}/history/1/",
        "/postmortems/{pk}/lint/",
    ],
)
def test_draft_pages_are_not_found_for_readers_outside_the_amendment(
    amended: Amended, charlie: Any, bob: Any, path: str
) -> None:
    url = path.format(pk=amended.postmortem.pk, review=amended.draft_review_id)
    client = Client()
    client.force_login(charlie)
    response = client.get(url, follow=True)
    assert response.status_code in (403, 404) or response.redirect_chain[-1][0].endswith(
        "/revisions/"
    )
    assert DRAFT_MARK not in response.content.decode()
    client.force_login(bob)
    assert client.get(url).status_code == 200


def test_the_postmortem_page_shows_outside_readers_the_revision(
    amended: Amended, charlie: Any
) -> None:
    client = Client()
    client.force_login(charlie)
    response = client.get(f"/postmortems/{amended.postmortem.pk}/")
    assert response.status_code == 200
    assert response.templates[0].name == "postmortems/read.html"
    assert response.context["revision"].number == 1
    assert PUBLISHED_MARK in response.content.decode()
    assert DRAFT_MARK not in response.content.decode()
