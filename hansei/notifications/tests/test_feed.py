"""The private Atom feed: created and reset on the settings page, shown once, holding only
published revisions its owner may read, and dead once reset, turned off or its owner gone."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from hansei.core.models import AuditEvent
from hansei.notifications.models import FeedToken
from hansei.notifications.services import reset_feed_token
from hansei.postmortems.document.services import (
    publish_postmortem,
    start_amendment,
    update_section,
)
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(url: str) -> list[dict[str, str]]:
    response = Client().get(url)  # a feed reader: no session
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title") or "",
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "link": (entry.find(f"{ATOM}link").get("href") or ""),  # type: ignore[union-attr]
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def _feed_url(user: Any) -> str:
    return reverse("notifications:feed", args=[reset_feed_token(actor=user)])


def test_the_settings_page_shows_a_new_address_once_and_it_reads_as_a_feed(
    published_postmortem: Any, alice: Any
) -> None:
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Create my feed address" in page
    response = client.post(reverse("notifications:feed_reset"))
    html = response.content.decode()
    [url] = re.findall(r"http://testserver(/notifications/feed/[^/<]+/)", html)
    assert "shown once" in html
    assert url not in client.get(reverse("notifications:settings")).content.decode()
    [entry] = _entries(url)
    assert entry["title"] == published_postmortem.title
    assert "Payments failed for 50 minutes" in entry["summary"]
    assert entry["link"].endswith(f"/postmortems/{published_postmortem.pk}/revisions/1/")
    assert FeedToken.objects.get(user=alice).last_read_at is not None
    assert AuditEvent.objects.filter(action="feed_token.reset", actor=alice).exists()


def test_only_published_revisions_the_owner_may_read_are_in_it(
    published_postmortem: Any,
    make_postmortem: Any,
    restricted_approved_postmortem: Any,
    alice: Any,
    rita: Any,
    charlie: Any,
    full_checklist: Any,
) -> None:
    draft = make_postmortem(title="Still a draft zqx")
    publish_postmortem(actor=alice, postmortem=restricted_approved_postmortem)
    restricted_approved_postmortem.refresh_from_db()
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    update_section(
        actor=alice, section=amended.sections.get(key="summary"), body="Amendment text zqx"
    )

    alices = _entries(_feed_url(alice))
    charlies = _entries(_feed_url(charlie))
    restricted = f"/postmortems/{restricted_approved_postmortem.pk}/revisions/1/"
    published = f"/postmortems/{published_postmortem.pk}/revisions/1/"
    assert sorted(e["link"].removeprefix("http://testserver") for e in alices) == sorted(
        [restricted, published]
    )  # her team's restricted one too
    assert [e["link"].removeprefix("http://testserver") for e in charlies] == [published]
    for entries in (alices, charlies):
        text = " ".join(e["title"] + e["summary"] for e in entries)
        assert draft.title not in text and "zqx" not in text

    # The amendment appears once published, as revision 2 with its change note.
    [review] = submit_for_review(actor=alice, postmortem=amended, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist, comment="Fine.")
    amended.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=amended, change_note="Corrected the summary")
    newest = _entries(_feed_url(charlie))[0]
    assert newest["title"] == f"{published_postmortem.title} (revision 2)"
    assert "Corrected the summary" in newest["summary"]


def test_a_reset_turned_off_or_unknown_address_answers_404(
    published_postmortem: Any, alice: Any, bob: Any
) -> None:
    old = _feed_url(alice)
    new = _feed_url(alice)
    assert Client().get(old).status_code == 404 and _entries(new)
    client = Client()
    client.force_login(alice)
    client.post(reverse("notifications:feed_revoke"))
    assert Client().get(new).status_code == 404
    assert Client().get(reverse("notifications:feed", args=["x" * 43])).status_code == 404
    url = _feed_url(bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404
