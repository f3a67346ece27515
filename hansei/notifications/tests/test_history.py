"""Today in postmortem history: postmortems of incidents that started on this day in an
earlier year, on the home page and in digests, to those who may read them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.incidents.models import Incident
from hansei.notifications.digests import anniversaries_for
from hansei.notifications.emails import compose_digest
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import publish_postmortem

pytestmark = pytest.mark.django_db


def years_before(day: date, years: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year - years, day.month, day.day, hour))


def make_incident_started(incident: Incident, moment: datetime) -> datetime:
    Incident.objects.filter(pk=incident.pk).update(started_at=moment)
    return moment


def started(postmortem: Any, moment: datetime) -> Any:
    Incident.objects.filter(postmortem=postmortem).update(started_at=moment)
    return postmortem


@pytest.fixture
def remembered(approved_postmortem: Any, alice: Any) -> Any:
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    today = timezone.localdate()
    return started(approved_postmortem, years_before(today, 3))


def test_it_recalls_an_incident_of_this_day_in_an_earlier_year(
    remembered: Any, make_postmortem: Any, alice: Any, charlie: Any
) -> None:
    today = timezone.localdate()
    draft = started(make_postmortem(title="A draft"), years_before(today, 2))

    [past] = anniversaries_for(charlie, [today])

    assert (past.postmortem, past.years) == (remembered, 3)
    assert anniversaries_for(alice, [today + timedelta(days=1)]) == []
    assert draft not in [a.postmortem for a in anniversaries_for(alice, [today])]


def test_this_years_incident_and_a_restricted_one_are_not_recalled(
    remembered: Any, charlie: Any, alice: Any
) -> None:
    today = timezone.localdate()
    incident = remembered.incidents.get()
    first = make_incident_started(incident, timezone.now() - timedelta(hours=3))
    assert anniversaries_for(alice, [timezone.localtime(first).date()]) == []

    started(remembered, years_before(today, 1))
    Postmortem.objects.filter(pk=remembered.pk).update(restricted=True)
    assert anniversaries_for(charlie, [today]) == []
    assert [a.years for a in anniversaries_for(alice, [today])] == [1]


def test_the_29th_of_february_is_recalled_on_the_28th_of_other_years(remembered: Any) -> None:
    started(remembered, timezone.make_aware(datetime(2024, 2, 29, 9)))

    assert list(Postmortem.objects.anniversaries([date(2027, 2, 28)])) == [remembered]
    assert list(Postmortem.objects.anniversaries([date(2028, 2, 28)])) == []
    assert list(Postmortem.objects.anniversaries([date(2028, 2, 29)])) == [remembered]


def test_the_home_page_shows_today_in_postmortem_history(remembered: Any, charlie: Any) -> None:
    client = Client()
    client.force_login(charlie)

    page = client.get(reverse("home:my_work")).content.decode()

    assert "Today in postmortem history" in page and "3 years ago" in page
    assert remembered.title in page


def test_digests_recall_the_days_they_cover(
    remembered: Any, alice: Any, make_postmortem: Any
) -> None:
    make_postmortem()  # Alice owns a draft: her digest has something in it
    started(remembered, years_before(timezone.localdate() + timedelta(days=3), 2))

    weekly = compose_digest({"recipient": alice.pk, "frequency": "weekly"}).body
    daily = compose_digest({"recipient": alice.pk, "frequency": "daily"}).body

    assert "This week in postmortem history" in weekly and "2 years ago" in weekly
    assert "postmortem history" not in daily
