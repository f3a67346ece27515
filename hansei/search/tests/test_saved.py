"""Saved searches: kept, opened again, alerting through the notification center."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.notifications.models import Notification
from hansei.search.models import SavedSearch
from hansei.search.saved import delete_saved_search, save_search, saved_search_url


def told(user: Any) -> list[str]:
    return [n.reason for n in Notification.objects.filter(recipient=user, kind="published")]


def test_a_saved_search_keeps_its_words_and_filters(alice: Any) -> None:
    saved = save_search(
        actor=alice, name="", query="  kafka   lag ", filters={"team": "payments", "year": 2026}
    )

    assert (saved.name, saved.query, saved.filters) == ("kafka lag", "kafka lag", {
        "team": "payments", "year": 2026})  # fmt: skip
    assert saved_search_url(saved) == "/archive/?q=kafka+lag&team=payments&year=2026"


@pytest.mark.parametrize(
    "name, query, filters",
    [
        ("x", "", {}),
        ("x", "a" * 201, {}),
        ("x" * 101, "kafka", {}),
        ("x", "kafka", {"colour": "red"}),
        ("x", "kafka", {"year": "soon"}),
        ("x", "kafka", {"year": True}),
        ("x", "kafka", {"team": ["a"]}),
        ("x", "kafka", {"team": {"nested": {"deep": 1}}}),
        ("x\x00", "kafka", {}),
    ],
)
def test_bad_saved_searches_are_refused(alice: Any, name: str, query: str, filters: Any) -> None:
    with pytest.raises(ValidationError):
        save_search(actor=alice, name=name, query=query, filters=filters)
    assert not SavedSearch.objects.exists()


def test_names_are_unique_per_person_and_only_the_owner_deletes(alice: Any, bob: Any) -> None:
    saved = save_search(actor=alice, name="Kafka", query="kafka", filters={})
    save_search(actor=bob, name="Kafka", query="kafka", filters={})
    with pytest.raises(ValidationError):
        save_search(actor=alice, name="Kafka", query="lag", filters={})
    with pytest.raises(PermissionDenied):
        delete_saved_search(actor=bob, saved=saved)
    delete_saved_search(actor=alice, saved=saved)
    assert list(SavedSearch.objects.values_list("user__username", flat=True)) == ["bob"]


def test_a_new_postmortem_with_every_word_reaches_the_saved_search(
    publish: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    save_search(actor=charlie, name="Kafka lag", query="kafka lag", filters={})
    save_search(actor=charlie, name="Kafka only", query="kafka penguins", filters={})
    save_search(actor=ada, name="Search team", query="kafka", filters={"team": "search"})

    publish("Kafka consumers lagged", "The kafka consumers lagged for an hour.")

    assert told(charlie) == ["It matches your saved search “Kafka lag”."]
    assert told(ada) == []  # the filter does not match: payments wrote it


def test_a_restricted_postmortem_never_reaches_a_saved_search_of_an_outsider(
    publish: Any, charlie: Any
) -> None:
    save_search(actor=charlie, name="Kafka", query="kafka", filters={})

    publish("Kafka consumers lagged", "The kafka consumers lagged.", restricted=True)

    assert told(charlie) == []


def test_alerts_off_means_no_notification(publish: Any, charlie: Any) -> None:
    save_search(actor=charlie, name="Kafka", query="kafka", filters={}, notify=False)

    publish("Kafka consumers lagged", "The kafka consumers lagged.")

    assert told(charlie) == []


# --- pages ------------------------------------------------------------------------------------


def test_the_archive_saves_lists_and_deletes_a_search(
    client: Client, publish: Any, charlie: Any
) -> None:
    publish("Kafka consumers lagged", "The kafka consumers lagged.")
    client.force_login(charlie)

    page = client.get("/archive/", {"q": "kafka", "team": "payments"}).content.decode()
    assert "Save this search" in page
    response = client.post(
        "/archive/saved/", {"q": "kafka", "team": "payments", "name": "Kafka", "notify": "on"}
    )

    saved = SavedSearch.objects.get(user=charlie)
    assert response.status_code == 302 and response["Location"] == saved_search_url(saved)
    assert (saved.query, saved.filters, saved.notify) == ("kafka", {"team": "payments"}, True)
    listing = client.get("/archive/").content.decode()
    assert "Your saved searches" in listing and "/archive/?q=kafka&amp;team=payments" in listing

    client.post(f"/archive/saved/{saved.pk}/alerts/", {})
    saved.refresh_from_db()
    assert saved.notify is False
    client.post(f"/archive/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_nobody_changes_another_persons_saved_search(client: Client, alice: Any, bob: Any) -> None:
    saved = save_search(actor=alice, name="Kafka", query="kafka", filters={})
    client.force_login(bob)

    assert client.post(f"/archive/saved/{saved.pk}/alerts/", {}).status_code == 404
    assert client.post(f"/archive/saved/{saved.pk}/delete/").status_code == 404
    assert SavedSearch.objects.get().notify is True


def test_an_empty_search_cannot_be_saved(client: Client, alice: Any) -> None:
    client.force_login(alice)

    response = client.post("/archive/saved/", {"name": "Nothing"}, follow=True)

    assert "Nothing to save" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_the_api_saves_lists_switches_and_deletes(alice: Any, bob: Any) -> None:
    api = ApiClient(alice)

    created = api.post("/me/saved-searches", {"query": "kafka", "filters": {"team": "payments"}})
    assert created.status_code == 201, created.content
    saved = created.json()
    assert (saved["name"], saved["notify"], saved["url"]) == (
        "kafka", True, "/archive/?q=kafka&team=payments")  # fmt: skip
    assert [s["id"] for s in api.get("/me/saved-searches").json()] == [saved["id"]]
    assert ApiClient(bob).get("/me/saved-searches").json() == []
    assert_error(ApiClient(bob).delete(f"/me/saved-searches/{saved['id']}"), 404)
    assert (
        api.patch(f"/me/saved-searches/{saved['id']}", {"notify": False}).json()["notify"] is False
    )
    assert api.delete(f"/me/saved-searches/{saved['id']}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_the_api_refuses_odd_saved_searches(alice: Any) -> None:
    api = ApiClient(alice)
    for body in [
        {"query": ""},
        {"query": "x", "filters": {"team": {"deep": [1, {"x": None}]}}},
        {"query": "x", "filters": {"year": 10**30}},
        {"query": "\ud800"},
        {"query": "x", "name": "n" * 500},
        {"query": None},
    ]:
        response = api.post("/me/saved-searches", body)
        assert response.status_code in (400, 422), (body, response.content)
    assert not SavedSearch.objects.exists()
