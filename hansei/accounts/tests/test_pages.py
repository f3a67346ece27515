"""Sign-in and personal settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_in_and_out(client: Any, alice: Any) -> None:
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home:my_work")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home:my_work")).status_code == 302


def test_it_saves_language_and_time_zone(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": "Alice A.", "language": "ja", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.language, alice.time_zone) == ("Alice A.", "ja", "Asia/Tokyo")


def test_it_refuses_an_unknown_time_zone(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(reverse("accounts:settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.time_zone == ""


def test_it_creates_a_token_shown_once_and_revokes_it(client: Any, alice: Any) -> None:
    client.force_login(alice)
    client.post(reverse("accounts:token_create"), {"name": "CI export"})
    page = client.get(reverse("accounts:settings")).content.decode()
    token = alice.api_tokens.get()
    assert "Copy your new token now" in page
    assert token.prefix in page
    again = client.get(reverse("accounts:settings")).content.decode()
    assert "Copy your new token now" not in again
    client.post(reverse("accounts:token_delete", args=[token.pk]))
    assert not alice.api_tokens.exists()


def test_it_shows_times_in_the_viewers_time_zone(
    client: Any, alice: Any, make_incident: Any
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    started = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    incident = make_incident(
        started_at=started,
        detected_at=None,
        acknowledged_at=None,
        mitigated_at=None,
        resolved_at=None,
    )
    alice.time_zone = "Asia/Tokyo"
    alice.save()
    client.force_login(alice)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "2026-11-01 10:30" in page
