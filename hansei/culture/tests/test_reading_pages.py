"""The reading club's pages and API: forms refuse bad input with the reason and keep what
was typed; outsiders never see a restricted postmortem on a list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.culture.reading.models import Participation, Reading, ReadingSession, SessionComment
from hansei.culture.reading.services import add_reading, create_list, schedule_session

pytestmark = pytest.mark.django_db
OUTSIDE = "https://aws.amazon.com/message/41926/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_list_is_made_and_filled_from_its_page(publish: Any, bob: Any) -> None:
    ours = publish("Checkout ran out of connections")
    client = signed_in(bob)

    refused = client.post(reverse("culture:new_reading_list"), {"title": ""})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    made = client.post(reverse("culture:new_reading_list"), {"title": "Classics"})
    reading_list = Reading.reading_list.field.related_model.objects.get()
    assert made["Location"] == reverse("culture:reading_list", args=[reading_list.pk])
    url = made["Location"]

    refused = client.post(url, {"link": OUTSIDE, "title": "", "note": "Typed"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Give the outside postmortem a title" in page and "Typed" in page
    assert client.post(url, {"link": OUTSIDE, "title": "S3, 2017"}).status_code == 302
    here = f"{settings.BASE_URL}/postmortems/{ours.pk}/"
    assert client.post(url, {"link": here}).status_code == 302

    page = client.get(url).content.decode()
    assert "S3, 2017" in page and "Checkout ran out of connections" in page
    assert 'rel="noopener noreferrer nofollow"' in page


def test_a_session_is_scheduled_from_its_form(publish: Any, alice: Any, bob: Any) -> None:
    reading_list = create_list(actor=alice, title="Classics")
    reading = add_reading(actor=alice, reading_list=reading_list, link=OUTSIDE, title="S3, 2017")
    client = signed_in(alice)
    starts = timezone.now() + timedelta(days=3)
    form = {
        "title": "S3 and us",
        "starts_at": _local(starts),
        "duration": "45",
        "location": "Room 4",
        "facilitator": str(bob.pk),
        "readings": [str(reading.pk)],
        "announce": "on",
    }

    for bad, error in [
        ({"duration": "5"}, "greater than or equal to 15"),
        ({"facilitator": "99999999999999999999999"}, "Select a valid choice"),
        ({"readings": ["x"]}, "Select a valid choice"),
        ({"starts_at": "yesterday"}, "Enter a valid date/time"),
    ]:
        refused = client.post(reverse("culture:new_session"), {**form, **bad})
        assert refused.status_code == 400 and error in refused.content.decode()
    assert not ReadingSession.objects.exists()

    done = client.post(reverse("culture:new_session"), form)
    session = ReadingSession.objects.get()
    assert done["Location"] == reverse("culture:session", args=[session.pk])
    assert (session.facilitator, list(session.readings.all())) == (bob, [reading])
    page = signed_in(bob).get(done["Location"]).content.decode()
    assert "S3 and us" in page and "S3, 2017" in page and "Room 4" in page
    ics = client.get(reverse("culture:session_calendar", args=[session.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"SUMMARY:S3 and us" in ics.content


def test_people_come_discuss_and_the_facilitator_keeps_notes(alice: Any, bob: Any) -> None:
    session = schedule_session(
        actor=alice,
        title="S3 and us",
        starts_at=timezone.now() + timedelta(days=1),
        facilitator=alice,
        announce=False,
    )
    url = reverse("culture:session", args=[session.pk])
    bob_client = signed_in(bob)

    bob_client.post(reverse("culture:session_going", args=[session.pk]), {"going": "1"})
    assert Participation.objects.get(person=bob).going
    refused = bob_client.post(reverse("culture:session_comment", args=[session.pk]), {"body": " "})
    assert refused.status_code == 400
    bob_client.post(
        reverse("culture:session_comment", args=[session.pk]),
        {"body": "<script>alert(1)</script> **why** did the *playbook* fail?"},
    )
    page = bob_client.get(url).content.decode()
    assert "<strong>why</strong>" in page and "<script>alert(1)" not in page
    assert "Keep the notes" not in page  # not started, and not Bob's to keep

    ReadingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    assert (
        bob_client.post(
            reverse("culture:session_notes", args=[session.pk]), {"notes": "x"}
        ).status_code
        == 403
    )
    alice_client = signed_in(alice)
    assert "Keep the notes" in alice_client.get(url).content.decode()
    alice_client.post(reverse("culture:session_notes", args=[session.pk]), {"notes": "We learned."})
    alice_client.post(
        reverse("culture:session_attendance", args=[session.pk]), {"people": [str(bob.pk)]}
    )
    session.refresh_from_db()
    assert session.notes == "We learned."
    assert Participation.objects.get(person=bob).attended
    comment = SessionComment.objects.get()
    delete = reverse("culture:delete_session_comment", args=[comment.pk])
    assert alice_client.post(delete).status_code == 403  # facilitating is not authoring
    assert bob_client.post(delete).status_code == 302
    assert not SessionComment.objects.exists()


def test_the_api_shows_the_club_without_restricted_postmortems(
    publish: Any, alice: Any, charlie: Any
) -> None:
    ours = publish("Payments key leak")
    reading_list = create_list(actor=alice, title="Ours")
    add_reading(actor=alice, reading_list=reading_list, link=str(ours.pk))
    session = schedule_session(
        actor=alice,
        title="Keys",
        starts_at=timezone.now() + timedelta(days=1),
        facilitator=alice,
        readings=list(Reading.objects.all()),
        announce=False,
    )
    type(ours).objects.filter(pk=ours.pk).update(restricted=True)
    alice_api, charlie_api = ApiClient(alice), ApiClient(charlie)

    assert [r["title"] for r in alice_api.get("/culture/reading/lists").json()[0]["readings"]] == [
        "Payments key leak"
    ]
    assert charlie_api.get("/culture/reading/lists").json()[0]["readings"] == []
    assert charlie_api.get(f"/culture/reading/sessions/{session.pk}").json()["readings"] == []
    assert "Payments key leak" not in charlie_api.get("/culture/reading/sessions").content.decode()

    going = charlie_api.put(f"/culture/reading/sessions/{session.pk}/going", {"going": True})
    assert going.status_code == 200 and going.json()["people_coming"] == ["charlie"]
    assert_error(
        charlie_api.put(f"/culture/reading/sessions/{session.pk}/going", {"going": "x"}), 422
    )
    assert_error(
        charlie_api.post(f"/culture/reading/sessions/{session.pk}/comments", {"body": " "}), 400
    )
    assert_error(
        charlie_api.post(f"/culture/reading/sessions/{session.pk}/comments", {"body": None}), 422
    )
    assert_error(
        charlie_api.post(f"/culture/reading/sessions/{session.pk}/comments", {"body": {"a": [1]}}),
        422,
    )
    created = charlie_api.post(
        f"/culture/reading/sessions/{session.pk}/comments", {"body": "Hi \ud83d\ude00"}
    )
    assert created.status_code == 201 and created.json()["author"] == "charlie"
    assert charlie_api.get("/culture/reading/sessions/99999999999999999999").status_code == 404
