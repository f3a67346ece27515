"""Who has read each published postmortem: recorded from the reading view, counted per team
for its writers, marked in the archive (unread, or amended since), and not at all when the
policy turns it off."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import ReadReceipt
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _archive(user: Any) -> str:
    return _client(user).get(reverse("search:archive")).content.decode()


def test_reading_is_recorded_counted_per_team_and_marked_in_the_archive(
    published_postmortem: Any, alice: Any, bob: Any, charlie: Any, rita: Any, full_checklist: Any
) -> None:
    assert "Unread" in _archive(charlie)
    _client(charlie).get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    receipt = ReadReceipt.objects.get(user=charlie)
    assert receipt.revision == 1
    assert "Unread" not in _archive(charlie) and "Unread" in _archive(bob)

    page = _client(alice).get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    html = page.content.decode()
    card = html[html.index('id="read-by"') :]
    assert "Read by 2 people" in card  # Alice herself, and Charlie
    assert card.index("Payments") < card.index("Search")  # its own team first
    assert "1 of 2" in card and "1 of 1" in card and "Charlie" in card
    assert "In no team" not in card
    _client(rita).get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    html = (
        _client(alice)
        .get(reverse("postmortems:detail", args=[published_postmortem.pk]))
        .content.decode()
    )
    card = html[html.index('id="read-by"') :]
    assert "Read by 3 people" in card and "In no team" in card  # Rita reviews, in no team
    # Readers outside its writers do not see who read it.
    assert (
        'id="read-by"'
        not in _client(charlie)
        .get(reverse("postmortems:detail", args=[published_postmortem.pk]))
        .content.decode()
    )

    # An amendment published makes it unread again, said as such.
    draft = start_amendment(actor=alice, postmortem=published_postmortem)
    [review] = submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist, comment="Fine.")
    draft.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=draft, change_note="Clarified the trigger.")
    assert "Amended since you read it" in _archive(charlie)
    _client(charlie).get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    assert ReadReceipt.objects.get(user=charlie).revision == 2
    assert "Amended since you read it" not in _archive(charlie)


def test_drafts_record_nothing_and_the_policy_turns_it_all_off(
    published_postmortem: Any, make_postmortem: Any, alice: Any, charlie: Any
) -> None:
    draft = make_postmortem()
    _client(alice).get(reverse("postmortems:detail", args=[draft.pk]) + "?view=read")
    assert not ReadReceipt.objects.exists()

    PostmortemPolicy.objects.update(read_tracking=False)
    _client(charlie).get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    assert not ReadReceipt.objects.exists()
    assert "Unread" not in _archive(charlie)
    html = (
        _client(alice)
        .get(reverse("postmortems:detail", args=[published_postmortem.pk]))
        .content.decode()
    )
    assert 'id="read-by"' not in html
    policy = _client(alice).get(reverse("incidents:policy")).content.decode()
    assert "Who has read a postmortem is not recorded." in policy
