"""Admins delete an incident or an unpublished draft recorded by mistake, audited; what was
published is kept forever, and nobody else deletes anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from hansei.core.errors import InvalidState
from hansei.core.models import AuditEvent
from hansei.incidents.models import Incident
from hansei.incidents.services import delete_incident
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import delete_postmortem

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_deletes_a_draft_and_then_its_incident_from_their_pages(
    make_postmortem: Any, alice: Any, ada: Any
) -> None:
    postmortem = make_postmortem(title="Started by mistake")
    incident = postmortem.incidents.get()
    details = _client(ada).get(reverse("postmortems:edit_details", args=[postmortem.pk]))
    assert "Delete draft" in details.content.decode()
    assert (
        "Delete draft"
        not in _client(alice)
        .get(reverse("postmortems:edit_details", args=[postmortem.pk]))
        .content.decode()
    )
    # The incident cannot go while the draft covers it.
    page = _client(ada).get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Delete incident" not in page
    with pytest.raises(InvalidState):
        delete_incident(actor=ada, incident=incident)

    response = _client(ada).post(reverse("postmortems:delete", args=[postmortem.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("postmortems:list")
    assert not Postmortem.objects.filter(pk=postmortem.pk).exists()
    incident.refresh_from_db()
    assert incident.postmortem_id is None  # it needs a postmortem again
    entry = AuditEvent.objects.get(action="postmortem.deleted")
    assert entry.actor == ada and entry.target_name == "Started by mistake"
    assert entry.changes["incidents"] == [incident.pk]

    page = _client(ada).get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Delete incident" in page
    response = _client(ada).post(reverse("incidents:delete", args=[incident.pk]))
    assert response.status_code == 302
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert AuditEvent.objects.filter(action="incident.deleted", actor=ada).exists()


def test_nobody_but_an_admin_deletes_and_a_published_postmortem_is_kept(
    published_postmortem: Any, make_postmortem: Any, alice: Any, ada: Any
) -> None:
    draft = make_postmortem()
    for action in (
        lambda: delete_postmortem(actor=alice, postmortem=draft),
        lambda: delete_incident(actor=alice, incident=draft.incidents.get()),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert _client(alice).post(reverse("postmortems:delete", args=[draft.pk])).status_code == 403
    with pytest.raises(InvalidState):
        delete_postmortem(actor=ada, postmortem=published_postmortem)
    response = _client(ada).post(
        reverse("postmortems:delete", args=[published_postmortem.pk]), follow=True
    )
    assert "kept forever" in response.content.decode()
    assert Postmortem.objects.filter(pk=published_postmortem.pk).exists()
    assert not AuditEvent.objects.filter(action="postmortem.deleted").exists()
