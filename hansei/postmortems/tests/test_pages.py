"""The postmortem pages through HTTP: what each person sees and can do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hansei.postmortems.document.models import Status

pytestmark = pytest.mark.django_db


def test_it_shows_the_draft_editor_to_the_team(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    response = client.get(reverse("postmortems:detail", args=[postmortem.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="body"' in html
    assert "Submit for review" in html
    assert "Time to detect" in html


def test_it_hides_a_draft_from_other_teams(client: Any, charlie: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    client.force_login(charlie)
    assert client.get(reverse("postmortems:detail", args=[postmortem.pk])).status_code == 404
    assert client.get(reverse("postmortems:export", args=[postmortem.pk, "md"])).status_code == 404


def test_it_saves_a_section_and_renders_it_sanitized(
    client: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(bob)
    url = reverse("postmortems:section", args=[postmortem.pk, "root_causes"])
    body = "The cache **expired** together.<script>alert(1)</script>"
    response = client.post(url, {"body": body}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<strong>expired</strong>" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert postmortem.sections.get(key="root_causes").body == body


def test_it_keeps_the_old_text_when_a_section_is_too_long(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    section = postmortem.sections.get(key="trigger")
    section.body = "A config push."
    section.save()
    client.force_login(alice)
    url = reverse("postmortems:section", args=[postmortem.pk, "trigger"])
    response = client.post(url, {"body": "x" * 100_001})
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    section.refresh_from_db()
    assert section.body == "A config push."


def test_it_previews_markdown_without_scripts(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("postmortems:preview"), {"body": "# Hi\n<img src=x onerror=alert(1)>"}
    )
    assert response.status_code == 200
    assert "<h1>Hi</h1>" in response.content.decode()
    assert "<img" not in response.content.decode()


def test_it_adds_a_timeline_entry_in_place(client: Any, alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    during = timezone.localtime(postmortem.incidents.get().started_at + timedelta(minutes=20))
    client.force_login(alice)
    response = client.post(
        reverse("postmortems:timeline_add", args=[postmortem.pk]),
        {
            "occurred_at": during.strftime("%Y-%m-%dT%H:%M"),
            "text": "Rolled back the config",
            "kind": "action",
            "is_key_event": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Rolled back the config" in response.content.decode()
    assert postmortem.timeline.filter(text="Rolled back the config", is_key_event=True).exists()


def test_it_refuses_a_timeline_entry_without_text(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    before = postmortem.timeline.count()
    client.force_login(alice)
    response = client.post(
        reverse("postmortems:timeline_add", args=[postmortem.pk]),
        {"occurred_at": "2026-11-01T10:15", "text": "", "kind": "action"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "required" in response.content.decode()
    assert postmortem.timeline.count() == before


def test_it_adds_an_action_item_and_refuses_a_past_due_date(
    client: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    url = reverse("action_items:add", args=[postmortem.pk])
    data = {
        "title": "Alert on config push errors",
        "kind": "detect",
        "owner": bob.pk,
        "priority": "P1",
        "due_date": "2099-01-01",
        "status": "open",
        "tracking_url": "https://tracker.example.com/OPS-1",
    }
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    bad = dict(data, title="Backdated", due_date="2001-01-01")
    response = client.post(url, bad, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "past" in response.content.decode()
    assert list(postmortem.action_items.values_list("title", flat=True)) == [
        "Alert on config push errors"
    ]


def test_it_walks_review_and_publication_through_pages(
    client: Any, alice: Any, rita: Any, make_postmortem: Any, full_checklist: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    response = client.post(
        reverse("reviews:submit", args=[postmortem.pk]), {"reviewers": [rita.pk]}
    )
    assert response.status_code == 302
    review = postmortem.reviews.get()

    client.force_login(rita)
    url = reverse("reviews:review", args=[postmortem.pk, review.pk])
    checks = {f"check_{k}": "on" for k in full_checklist}
    incomplete = dict(checks)
    incomplete.pop("check_blameless")
    response = client.post(url, {**incomplete, "decision": "approve"})
    assert response.status_code == 400
    assert "Confirm every checklist item" in response.content.decode()
    response = client.post(url, {**checks, "decision": "approve", "comment": "Good."})
    assert response.status_code == 302
    postmortem.refresh_from_db()
    assert postmortem.status == Status.APPROVED

    client.force_login(alice)
    client.post(reverse("postmortems:publish", args=[postmortem.pk]))
    postmortem.refresh_from_db()
    assert postmortem.status == Status.PUBLISHED
    assert postmortem.revisions.count() == 1


def test_it_refuses_to_publish_from_a_page_without_approval(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    response = client.post(reverse("postmortems:publish", args=[postmortem.pk]), follow=True)
    assert "Only an approved postmortem can be published" in response.content.decode()
    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT
    assert postmortem.revisions.count() == 0


def test_it_lets_everyone_read_a_published_postmortem_but_not_a_restricted_one(
    client: Any, charlie: Any, published_postmortem: Any
) -> None:
    client.force_login(charlie)
    url = reverse("postmortems:detail", args=[published_postmortem.pk])
    assert client.get(url).status_code == 200
    published_postmortem.restricted = True
    published_postmortem.save()
    assert client.get(url).status_code == 404


def test_it_shows_readers_the_published_revision_during_an_amendment(
    client: Any, alice: Any, charlie: Any, published_postmortem: Any
) -> None:
    from hansei.postmortems.document.services import start_amendment, update_section

    start_amendment(actor=alice, postmortem=published_postmortem)
    section = published_postmortem.sections.get(key="summary")
    update_section(actor=alice, section=section, body="SECRET DRAFT WORDING")
    client.force_login(charlie)
    response = client.get(
        reverse("postmortems:detail", args=[published_postmortem.pk]), follow=True
    )
    assert response.status_code == 200
    assert "SECRET DRAFT WORDING" not in response.content.decode()
    md = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "md"]))
    assert "SECRET DRAFT WORDING" not in md.content.decode()


def test_it_exports_markdown_and_json(client: Any, alice: Any, published_postmortem: Any) -> None:
    client.force_login(alice)
    md = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "md"]))
    assert md.status_code == 200
    assert md.content.decode().startswith(f"# {published_postmortem.title}")
    js = client.get(reverse("postmortems:export", args=[published_postmortem.pk, "json"]))
    assert js.json()["revision"] == 1
    assert (
        client.get(
            reverse("postmortems:export", args=[published_postmortem.pk, "docx"])
        ).status_code
        == 404
    )


def test_it_lists_revisions_and_shows_one(
    client: Any, alice: Any, published_postmortem: Any
) -> None:
    client.force_login(alice)
    response = client.get(reverse("postmortems:revisions", args=[published_postmortem.pk]))
    assert "Revision 1" in response.content.decode()
    response = client.get(reverse("postmortems:revision", args=[published_postmortem.pk, 1]))
    assert response.status_code == 200
    assert published_postmortem.title in response.content.decode()


def test_the_details_page_keeps_what_reviewers_approve_fixed_in_review(
    client: Any, alice: Any, bob: Any, approved_postmortem: Any
) -> None:
    client.force_login(alice)
    url = reverse("postmortems:edit_details", args=[approved_postmortem.pk])
    later = approved_postmortem.due_date + timedelta(days=3)

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {"title": "Renamed", "owner": bob.pk, "due_date": later.isoformat(), "restricted": "on"},
    )

    assert 'name="title"' in page and "disabled" in page.split('name="title"')[1][:200]
    assert response.status_code == 302
    approved_postmortem.refresh_from_db()
    assert approved_postmortem.title != "Renamed" and approved_postmortem.owner == alice
    assert not approved_postmortem.restricted and approved_postmortem.due_date == later
