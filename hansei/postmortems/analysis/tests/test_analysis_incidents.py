"""One postmortem covering several related incidents: linking, unlinking, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hansei.core.errors import InvalidState
from hansei.incidents.models import Incident
from hansei.postmortems.analysis import services
from hansei.postmortems.analysis.queries import suggested_user_visible_minutes

pytestmark = pytest.mark.django_db


def _url(name: str, *args: Any) -> str:
    return reverse(f"postmortems:{name}", args=args)


def test_it_links_and_unlinks_a_related_incident(
    client: Any, bob: Any, make_incident: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    other = make_incident(title="Refunds API returned 500s", downtime_minutes=20)
    client.force_login(bob)
    page = client.get(_url("detail", postmortem.pk)).content.decode()
    assert f'<option value="{other.pk}">' in page
    response = client.post(_url("incident_link", postmortem.pk), {"incident": other.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.postmortem_id == postmortem.pk
    assert postmortem.timeline.filter(text__contains="Refunds API").exists()
    page = client.get(_url("detail", postmortem.pk)).content.decode()
    assert "Incidents (2)" in page and "Refunds API returned 500s" in page
    assert suggested_user_visible_minutes(postmortem) == 70

    response = client.post(_url("incident_unlink", postmortem.pk, other.pk))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.postmortem_id is None
    assert not postmortem.timeline.filter(text__contains="Refunds API").exists()


def test_it_refuses_to_link_what_cannot_be_linked(
    client: Any,
    alice: Any,
    charlie: Any,
    ada: Any,
    search_team: Any,
    make_incident: Any,
    make_postmortem: Any,
) -> None:
    postmortem = make_postmortem()
    covered = make_postmortem()
    busy = covered.incidents.get()
    with pytest.raises(InvalidState, match="already has a postmortem"):
        services.link_incident(actor=alice, postmortem=postmortem, incident=busy)
    client.force_login(alice)
    response = client.post(_url("incident_link", postmortem.pk), {"incident": busy.pk})
    assert response.status_code == 409  # the incident's state, not the input, is in the way
    assert "already has a postmortem" in response.content.decode()

    foreign = make_incident(actor=charlie, team=search_team)
    assert (
        client.post(_url("incident_link", postmortem.pk), {"incident": foreign.pk}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.link_incident(actor=alice, postmortem=postmortem, incident=foreign)
    with pytest.raises(ValidationError):
        services.link_incident(actor=ada, postmortem=postmortem, incident=foreign)
    assert Incident.objects.get(pk=foreign.pk).postmortem_id is None

    [only] = postmortem.incidents.all()
    response = client.post(_url("incident_unlink", postmortem.pk, only.pk))
    assert response.status_code == 409
    assert "last one" in response.content.decode()


def test_a_published_postmortem_needs_an_amendment_to_link(
    alice: Any, make_incident: Any, published_postmortem: Any
) -> None:
    with pytest.raises(InvalidState, match="amendment"):
        services.link_incident(
            actor=alice, postmortem=published_postmortem, incident=make_incident()
        )
