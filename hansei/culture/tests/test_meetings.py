from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hansei.accounts.tests.test_api import ApiClient
from hansei.action_items.models import ActionItem
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.culture.awards.months import month_of, previous_month
from hansei.culture.meetings.queries import meeting_pack
from hansei.culture.tests.conftest import moment
from hansei.postmortems.document.services import start_amendment

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pack_url(month: date, name: str = "culture:pack") -> str:
    return reverse(name, args=[month.year, month.month])


def item(alice: Any, postmortem: Any, title: str, **at: Any) -> ActionItem:
    """An action item it was published with (a published postmortem takes none through the
    services), with its creation, due and completion moved to ``at``."""
    found = ActionItem.objects.create(postmortem=postmortem, title=title, owner=alice)
    ActionItem.objects.filter(pk=found.pk).update(**{"created_at": moment(2025, 3, 1), **at})
    return ActionItem.objects.get(pk=found.pk)


def test_it_holds_the_months_published_postmortems_and_nothing_restricted_or_drafted(
    publish: Any, make_postmortem: Any, ada: Any
) -> None:
    publish("Checkout outage", at=moment(2025, 3, 10))
    publish("Leaked keys", restricted=True, at=moment(2025, 3, 12))
    publish("April outage", at=moment(2025, 4, 2))
    make_postmortem(title="Draft still being written")

    pack = meeting_pack(ada, MARCH)  # an admin reads them all, yet the pack is for a room

    assert [e.title for e in pack.entries] == ["Checkout outage"]
    page = signed_in(ada).get(pack_url(MARCH)).content.decode()
    assert "Checkout outage" in page
    for absent in ("Leaked keys", "April outage", "Draft still being written"):
        assert absent not in page
    answer = signed_in(ada).get(pack_url(MARCH, "culture:pack_pdf"))
    assert answer["Content-Type"] == "application/pdf"
    assert 'filename="meeting-pack-2025-03.pdf"' in answer["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Checkout outage" in text
    assert "Leaked keys" not in text and "Draft still being written" not in text


def test_it_counts_the_months_figures(publish: Any, alice: Any, charlie: Any, sev: Any) -> None:
    first = publish("Checkout outage", at=moment(2025, 3, 4))  # resolved 3 March, +1 day
    second = publish("Search outage", at=moment(2025, 3, 8))
    hidden = publish("Leaked keys", restricted=True, at=moment(2025, 3, 9))
    from hansei.incidents.models import Incident

    Incident.objects.filter(postmortem=first).update(
        severity=sev(1), started_at=moment(2025, 3, 3, 10), resolved_at=moment(2025, 3, 3)
    )
    Incident.objects.filter(postmortem=second).update(
        started_at=moment(2025, 3, 5, 10), resolved_at=moment(2025, 3, 5)
    )
    item(alice, first, "Opened and done", created_at=moment(2025, 3, 4),
         status="done", completed_at=moment(2025, 3, 20))  # fmt: skip
    item(alice, first, "Late, still open", created_at=moment(2025, 3, 4),
         due_date=date(2025, 3, 15))  # fmt: skip
    item(alice, second, "Done after its due date", created_at=moment(2025, 3, 9),
         due_date=date(2025, 3, 25), status="done", completed_at=moment(2025, 4, 2))  # fmt: skip
    item(alice, second, "Opened in February", created_at=moment(2025, 2, 9))
    item(alice, hidden, "On a restricted one", created_at=moment(2025, 3, 9),
         due_date=date(2025, 3, 10))  # fmt: skip

    figures = meeting_pack(charlie, MARCH).figures

    assert figures.published == 2
    assert figures.by_severity == [(sev(1).name, 1), (sev(2).name, 1)]
    assert figures.by_team == [("Payments", 2)]
    assert figures.mean_to_publication == timedelta(days=2)  # one day and three days
    assert (figures.items_opened, figures.items_done, figures.items_overdue) == (3, 1, 2)


def test_it_shows_what_was_published_not_what_an_amendment_drafts(
    publish: Any, alice: Any, bob: Any
) -> None:
    postmortem = publish("Checkout outage", at=moment(2025, 3, 10))
    item(alice, postmortem, "Add a canary")
    start_amendment(actor=alice, postmortem=postmortem)
    postmortem.sections.filter(key="summary").update(body="Draft words not yet reviewed.")
    add_action_item(actor=alice, postmortem=postmortem, data=ActionItemInput(title="Draft item"))

    [entry] = meeting_pack(bob, MARCH).entries

    assert [i.title for i in entry.items] == ["Add a canary"]
    page = signed_in(bob).get(pack_url(MARCH)).content.decode()
    assert "Draft words not yet reviewed." not in page and "Draft item" not in page
    assert "Add a canary" in page


def test_it_shows_the_sections_a_meeting_reads_as_sanitized_markdown(
    publish: Any, make_postmortem: Any, alice: Any, rita: Any, bob: Any
) -> None:
    postmortem = publish("Checkout outage", at=moment(2025, 3, 10))
    from hansei.postmortems.document.models import Revision

    revision = Revision.objects.get(postmortem=postmortem)
    sections = revision.snapshot["sections"]
    for section in sections:
        if section["key"] == "went_wrong":
            section["body"] = "**Alerts** were late <script>alert(1)</script>"
    Revision.objects.filter(pk=revision.pk).update(snapshot=revision.snapshot)

    page = signed_in(bob).get(pack_url(MARCH)).content.decode()

    assert "<strong>Alerts</strong> were late" in page
    assert "<script>alert(1)" not in page
    assert "Lessons learned: what went wrong" in page


def test_it_moves_between_months_and_opens_on_the_last_complete_one(bob: Any) -> None:
    client = signed_in(bob)
    last = previous_month(month_of(timezone.now()))

    assert client.get(reverse("culture:pack_latest"))["Location"] == pack_url(last)
    page = client.get(pack_url(MARCH)).content.decode()
    assert pack_url(date(2025, 2, 1)) in page and pack_url(date(2025, 4, 1)) in page
    current = month_of(timezone.now())
    assert 'rel="next"' not in client.get(pack_url(current)).content.decode()


@pytest.mark.parametrize("month", ["2025/13", "1999/12", "9999/12"])
def test_it_refuses_a_month_that_is_not_one_or_has_not_begun(bob: Any, month: str) -> None:
    assert signed_in(bob).get(f"/culture/pack/{month}/").status_code == 404


def test_it_is_for_people_signed_in(publish: Any) -> None:
    publish("Checkout outage", at=moment(2025, 3, 10))
    answer = Client().get(pack_url(MARCH))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_api_answers_the_pack_as_data(publish: Any, alice: Any, charlie: Any) -> None:
    postmortem = publish("Checkout outage", at=moment(2025, 3, 10))
    publish("Leaked keys", restricted=True, at=moment(2025, 3, 11))
    item(alice, postmortem, "Add a canary", due_date=date(2025, 3, 5))
    api = ApiClient(charlie)

    answer = api.get("/culture/pack/2025-03").json()

    assert answer["month"] == "2025-03" and answer["figures"]["published"] == 1
    [found] = answer["postmortems"]
    assert found["title"] == "Checkout outage" and found["revision"] == 1
    assert [(i["title"], i["overdue"]) for i in found["action_items"]] == [("Add a canary", True)]
    assert any(part["key"] == "summary" for part in found["summary"])
    assert api.get("/culture/pack/2025-13").status_code == 404
