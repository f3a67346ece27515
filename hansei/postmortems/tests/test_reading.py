"""The reading view: a postmortem as a document for everyone who is not editing it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.action_items.models import ActionStatus
from hansei.action_items.services import ActionItemInput, add_action_item, update_action_item
from hansei.postmortems.analysis.models import PostmortemImpact
from hansei.postmortems.document.models import Postmortem, Section
from hansei.postmortems.document.services import (
    publish_postmortem,
    start_amendment,
    update_section,
)
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, postmortem: Postmortem, query: str = "") -> Any:
    return _client(user).get(reverse("postmortems:detail", args=[postmortem.pk]) + query)


def _template(response: Any) -> str:
    return str(response.templates[0].name)


def _write(actor: Any, postmortem: Postmortem, key: str, body: str) -> None:
    update_section(actor=actor, section=postmortem.sections.get(key=key), body=body)


def _publish(postmortem: Postmortem, alice: Any, rita: Any, full_checklist: Any) -> Postmortem:
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist, comment="Good.")
    postmortem.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=postmortem, change_note="")
    postmortem.refresh_from_db()
    return postmortem


def test_a_published_postmortem_reads_as_a_document_even_for_its_writers(
    make_postmortem: Any, alice: Any, charlie: Any, rita: Any, full_checklist: Any
) -> None:
    postmortem = make_postmortem()
    _write(alice, postmortem, "summary", "Checkout **failed** for 50 minutes.")
    _publish(postmortem, alice, rita, full_checklist)
    for reader in (alice, charlie):
        response = _page(reader, postmortem)
        html = response.content.decode()
        assert response.status_code == 200 and _template(response) == "postmortems/read.html"
        assert "Checkout <strong>failed</strong> for 50 minutes." in html
        # No editor, no Markdown twice, no writing-check panel for a reader.
        assert "Markdown supported" not in html and "Nothing to preview yet" not in html
        assert 'id="lint-panel"' not in html and "Writing check" not in html
        assert '<textarea name="body" id="section-' not in html
        # A table of contents, and a permalink on each section it lists.
        assert '<a href="#section-summary">Summary</a>' in html
        assert 'href="#section-summary" aria-label="Link to “Summary”"' in html
    assert "Amend" in _page(alice, postmortem).content.decode()
    assert "Amend" not in _page(charlie, postmortem).content.decode()


def test_a_published_document_leaves_empty_sections_out_and_a_drafts_reader_sees_them(
    make_postmortem: Any, alice: Any, charlie: Any, rita: Any, full_checklist: Any
) -> None:
    draft = make_postmortem()
    Section.objects.filter(postmortem=draft, key="got_lucky").update(body="")
    [review] = submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    html = _page(rita, draft).content.decode()
    assert 'id="section-got_lucky"' in html and "Not written yet." in html
    approve_review(actor=rita, review=review, checklist=full_checklist, comment="Good.")
    draft.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=draft)
    published = draft
    html = _page(charlie, published).content.decode()
    assert 'id="section-got_lucky"' not in html and "#section-got_lucky" not in html


def test_writers_of_a_draft_get_the_editor_and_switch_to_reading_on_purpose(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    editor = _page(alice, postmortem)
    assert _template(editor) == "postmortems/detail.html"
    assert 'href="?view=read"' in editor.content.decode()
    reading = _page(alice, postmortem, "?view=read")
    assert _template(reading) == "postmortems/read.html"
    assert reverse("postmortems:detail", args=[postmortem.pk]) in reading.content.decode()
    # Someone who may read the draft but not change it reads it, whatever they ask for.
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    assert _template(_page(rita, postmortem)) == "postmortems/read.html"
    assert _template(_page(rita, postmortem, "?view=edit")) == "postmortems/read.html"


def test_a_reviewer_reads_a_draft_in_review_and_may_open_the_live_text_to_comment(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    reading = _page(rita, postmortem)
    assert _template(reading) == "postmortems/read.html"
    assert "?view=live" in reading.content.decode()
    assert _template(_page(rita, postmortem, "?view=live")) == "postmortems/detail.html"
    # In review, its writers cannot change it either: they read it too.
    assert _template(_page(alice, postmortem)) == "postmortems/read.html"


def test_action_items_show_their_status_today_in_a_revision_published_earlier(
    make_postmortem: Any, alice: Any, bob: Any, charlie: Any, rita: Any, full_checklist: Any
) -> None:
    postmortem = make_postmortem()
    item = add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Add a pool-saturation alert", owner=bob, priority="P1"),
    )
    _publish(postmortem, alice, rita, full_checklist)
    html = _page(charlie, postmortem).content.decode()
    assert "Add a pool-saturation alert" in html and "badge-open" in html
    update_action_item(
        actor=bob,
        item=item,
        data=ActionItemInput(
            title="Add a pool-saturation alert",
            owner=bob,
            priority="P1",
            status=ActionStatus.DONE,
        ),
    )
    for url in (
        reverse("postmortems:detail", args=[postmortem.pk]),
        reverse("postmortems:revision", args=[postmortem.pk, 1]),
    ):
        html = _client(charlie).get(url).content.decode()
        assert "badge-done" in html and "badge-open" not in html
        assert "Edit</a>" not in html  # a reader's document has no item buttons


def test_only_the_impact_figures_recorded_are_shown(make_postmortem: Any, alice: Any) -> None:
    postmortem = make_postmortem()
    html = _page(alice, postmortem, "?view=read").content.decode()
    assert "Impact in numbers" not in html
    PostmortemImpact.objects.create(postmortem=postmortem, support_tickets=312)
    html = _page(alice, postmortem, "?view=read").content.decode()
    assert "Impact in numbers" in html and "312" in html and "Support tickets" in html
    assert "Revenue impact" not in html and "Requests failed" not in html


def test_the_timeline_shows_key_events_and_every_entry_on_request(
    make_postmortem: Any, alice: Any
) -> None:
    postmortem = make_postmortem()
    postmortem.timeline.update(is_key_event=False)
    when = timezone.now() - timedelta(hours=2, minutes=30)
    add_timeline_entry(actor=alice, postmortem=postmortem, occurred_at=when, text="Routine page")
    add_timeline_entry(
        actor=alice,
        postmortem=postmortem,
        occurred_at=when + timedelta(minutes=5),
        text="Rolled back the release",
        is_key_event=True,
    )
    html = _page(alice, postmortem, "?view=read").content.decode()
    assert "Rolled back the release" in html and "Routine page" not in html
    total = postmortem.timeline.count()
    assert f"Show all {total} entries" in html
    html = _page(alice, postmortem, "?view=read&all=1").content.decode()
    assert "Rolled back the release" in html and "Routine page" in html


def test_an_older_revision_says_so_and_names_what_the_latest_changed(
    make_postmortem: Any, alice: Any, rita: Any, charlie: Any, full_checklist: Any
) -> None:
    postmortem = _publish(make_postmortem(), alice, rita, full_checklist)
    draft = start_amendment(actor=alice, postmortem=postmortem)
    _write(alice, draft, "summary", "Corrected figures.")
    [review] = submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist, comment="Fine.")
    draft.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=draft, change_note="Corrected the figures")
    first = _client(charlie).get(reverse("postmortems:revision", args=[postmortem.pk, 1]))
    html = first.content.decode()
    assert "You are reading revision 1; the latest is revision 2." in html
    latest = _page(charlie, postmortem).content.decode()
    assert "Corrected the figures" in latest and "Corrected figures." in latest
    assert "You are reading revision" not in latest


def test_a_reader_of_an_amendment_reads_the_published_revision_and_its_writer_the_draft(
    make_postmortem: Any, alice: Any, rita: Any, charlie: Any, full_checklist: Any
) -> None:
    postmortem = _publish(make_postmortem(), alice, rita, full_checklist)
    draft = start_amendment(actor=alice, postmortem=postmortem)
    _write(alice, draft, "summary", "zqx amendment text")
    for query in ("", "?view=read", "?view=live", "?view=edit"):
        outside = _page(charlie, postmortem, query)
        assert _template(outside) == "postmortems/read.html"
        assert "zqx amendment text" not in outside.content.decode()
    assert _template(_page(alice, postmortem)) == "postmortems/detail.html"
    html = _page(alice, postmortem, "?view=read").content.decode()
    assert "zqx amendment text" in html
