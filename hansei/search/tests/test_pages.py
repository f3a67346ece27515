from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

ARCHIVE = "/archive/"


@pytest.fixture
def as_user(client: Client) -> Any:
    def sign_in(user: Any) -> Client:
        client.force_login(user)
        return client

    return sign_in


def test_the_archive_requires_signing_in(client: Client, db: Any) -> None:
    response = client.get(ARCHIVE)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_lists_published_postmortems_newest_first(
    publish: Any, make_postmortem: Any, as_user: Any, alice: Any, sev: Any
) -> None:
    older = publish("Older outage", "Disk filled up.", severity=sev(1))
    publish("Newer outage", "Queue backed up.")
    make_postmortem(title="Still a draft")

    response = as_user(alice).get(ARCHIVE)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index("Newer outage") < html.index("Older outage")
    assert "Still a draft" not in html
    assert f'href="{reverse("postmortems:detail", args=[older.pk])}"' in html
    assert '<span class="badge badge-sev1">SEV1</span>' in html
    assert "Payments" in html
    assert "2 postmortems" in html
    assert "Disk filled up." in html


def test_it_searches_and_highlights_matches(publish: Any, as_user: Any, alice: Any) -> None:
    publish("Checkout outage", "Every deploy failed on the checkout cluster.")
    publish("Cache warmup", "Nothing relevant.")

    response = as_user(alice).get(ARCHIVE, {"q": "deploys"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Checkout outage" in html
    assert "Cache warmup" not in html
    assert "<mark>deploy</mark>" in html
    assert 'value="deploys"' in html
    assert "1 postmortem" in html


def test_it_finds_japanese_text_and_shows_it_without_extra_spaces(
    publish: Any, as_user: Any, alice: Any
) -> None:
    publish("決済の停止", "データベースの障害により決済が止まった。", language="ja")

    html = as_user(alice).get(ARCHIVE, {"q": "障害"}).content.decode()

    assert "決済の停止" in html
    assert "データベースの<mark>障害</mark>により決済が止まった。" in html


def test_it_never_renders_html_from_a_postmortem(publish: Any, as_user: Any, alice: Any) -> None:
    publish("<img src=x onerror=alert(1)>", "<script>alert('pwned')</script> zipcode")

    for params in [{}, {"q": "zipcode"}, {"q": "img"}]:
        html = as_user(alice).get(ARCHIVE, params).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_it_filters_by_team_and_severity(
    publish: Any, as_user: Any, ada: Any, charlie: Any, search_team: Any, sev: Any
) -> None:
    publish("Checkout down", severity=sev(1))
    publish("Indexer stuck", actor=charlie, team=search_team, severity=sev(3))
    client = as_user(ada)

    by_team = client.get(ARCHIVE, {"team": "search"}).content.decode()
    by_severity = client.get(ARCHIVE, {"severity": "SEV1"}).content.decode()

    assert "Indexer stuck" in by_team and "Checkout down" not in by_team
    assert "Checkout down" in by_severity and "Indexer stuck" not in by_severity
    assert '<option value="search" selected>Search</option>' in by_team
    assert "Clear search and filters" in by_team


def test_outsiders_never_see_restricted_postmortems(
    publish: Any, as_user: Any, charlie: Any, bob: Any
) -> None:
    publish("Secret breach", "credentials leaked", restricted=True)
    publish("Public outage", "credentials expired")

    for params in [{}, {"q": "credentials"}, {"q": "breach"}]:
        html = as_user(charlie).get(ARCHIVE, params).content.decode()
        assert "Secret breach" not in html
        assert "leaked" not in html
    bob_html = as_user(bob).get(ARCHIVE, {"q": "credentials"}).content.decode()
    assert "Secret breach" in bob_html
    assert "Restricted" in bob_html


def test_it_pages_through_the_archive(
    publish: Any, as_user: Any, alice: Any, monkeypatch: Any
) -> None:
    from hansei.search import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        publish(f"Outage number {n}")
    client = as_user(alice)

    first = client.get(ARCHIVE, {"q": "outage"}).content.decode()
    second = client.get(ARCHIVE, {"q": "outage", "page": "2"}).content.decode()
    beyond = client.get(ARCHIVE, {"q": "outage", "page": "9"}).content.decode()

    assert "Page 1 of 2" in first
    assert "?q=outage&amp;page=2" in first
    assert second.count('class="result"') == 1
    assert "?q=outage&amp;page=1" in second
    assert "There are no results on this page." in beyond


def test_it_says_when_nothing_matches(publish: Any, as_user: Any, alice: Any) -> None:
    publish("Checkout outage")

    html = as_user(alice).get(ARCHIVE, {"q": "platypus"}).content.decode()

    assert "0 postmortems" in html
    assert "No published postmortem matches." in html


def test_an_empty_archive_says_so(as_user: Any, alice: Any) -> None:
    html = as_user(alice).get(ARCHIVE).content.decode()

    assert "Nothing has been published yet." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 201}, "at most 200 characters"),
        ({"date_from": "2025-03-01", "date_to": "2025-01-01"}, "end date must be on or after"),
        ({"date_from": "yesterday"}, "Enter a valid date."),
        ({"severity": "SEV99"}, "Select a valid choice."),
        ({"page": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_input_is_shown_as_form_errors(
    publish: Any, as_user: Any, alice: Any, params: dict[str, str], message: str
) -> None:
    publish("Checkout outage")

    response = as_user(alice).get(ARCHIVE, params)
    html = response.content.decode()

    assert response.status_code == 400
    assert message in html
    assert 'class="errorlist' in html
    assert "Checkout outage" not in html


def test_odd_queries_are_searched_safely(publish: Any, as_user: Any, alice: Any) -> None:
    publish("Checkout outage")

    for query in ['"foo', "AND OR *", "NEAR(", "***"]:
        response = as_user(alice).get(ARCHIVE, {"q": query})
        assert response.status_code == 200


def test_facets_link_to_their_filter_and_back(
    publish: Any, as_user: Any, ada: Any, charlie: Any, search_team: Any
) -> None:
    publish("Queue stalled in checkout", "The queue stalled.")
    publish("Queue stuck in the indexer", "The queue stuck.", actor=charlie, team=search_team)
    client = as_user(ada)

    page = client.get(ARCHIVE, {"q": "queue"}).content.decode()

    assert 'id="facets-title"' in page
    assert '<a href="?q=queue&amp;team=search"><span class="break">Search</span>' in page
    narrowed = client.get(ARCHIVE, {"q": "queue", "team": "search"}).content.decode()
    assert "Queue stuck in the indexer" in narrowed and "Queue stalled" not in narrowed
    # The chosen value links back to the search without it.
    assert '<a href="?q=queue" aria-current="true" class="selected"' in narrowed


def test_it_offers_a_correction_and_says_when_results_lack_words(
    publish: Any, as_user: Any, alice: Any
) -> None:
    publish("Ledger queue backlog", "The ledger queue grew.")
    client = as_user(alice)

    corrected = client.get(ARCHIVE, {"q": "ledgr"}).content.decode()
    partial = client.get(ARCHIVE, {"q": "ledger penguins"}).content.decode()

    assert 'Did you mean <a href="?q=ledger">ledger</a>?' in corrected
    assert "Ledger queue backlog" in corrected
    assert 'id="partial-results"' in partial
    assert "Missing: <s>penguins</s>" in partial
