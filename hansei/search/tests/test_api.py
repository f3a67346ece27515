"""The search API: the published archive, filtered, visible to the right people only."""

from __future__ import annotations

from typing import Any

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.conftest import FULL_CHECKLIST
from hansei.postmortems.document.services import publish_postmortem, update_section
from hansei.reviews.services import approve_review, submit_for_review


def test_it_finds_a_published_postmortem_by_a_word_of_its_text(
    alice: Any, charlie: Any, make_postmortem: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    section = postmortem.sections.get(key="root_causes")
    update_section(actor=alice, section=section, body="The connection pool was exhausted.")
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(actor=alice, postmortem=postmortem)

    response = ApiClient(charlie).get("/search", q="exhausted")
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["total"] == 1
    [hit] = page["items"]
    assert (hit["postmortem_id"], hit["revision"], hit["team"]) == (postmortem.pk, 1, "payments")
    assert "<mark>" in hit["snippet"]
    assert ApiClient(charlie).get("/search", q="exhausted", team="search").json()["total"] == 0
    assert ApiClient(charlie).get("/search", q="nothing-like-this").json()["items"] == []


def test_it_never_finds_a_draft(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    section = postmortem.sections.get(key="root_causes")
    update_section(actor=alice, section=section, body="A secret draft about quokkas.")
    page = ApiClient(alice).get("/search", q="quokkas").json()
    assert page == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "corrected": None,
        "partial": False,
        "facets": [],
    }


def test_it_refuses_dates_in_the_wrong_order(alice: Any) -> None:
    response = ApiClient(alice).get("/search", date_from="2024-05-02", date_to="2024-05-01")
    body = assert_error(response, 400)
    assert "before the end date" in body["detail"]


def test_it_refuses_a_malformed_date(alice: Any) -> None:
    assert_error(ApiClient(alice).get("/search", date_from="May"), 422, "date_from")


def test_it_gives_facets_corrections_and_missing_words(publish: Any, alice: Any) -> None:
    postmortem = publish("Ledger queue backlog", "The ledger queue grew for hours.")
    publish("Ledger drift", "Balances drifted apart.")

    page = ApiClient(alice).get("/search", q="ledgr queue").json()

    assert page["corrected"] == "ledger queue"
    assert [hit["missing"] for hit in page["items"]] == [[], ["queue"]]
    facets = {f["name"]: f["values"] for f in page["facets"]}
    assert facets["team"] == [
        {"value": postmortem.team.slug, "label": postmortem.team.name, "count": 2}
    ]
    year = str(postmortem.published_at.year)
    assert facets["year"] == [{"value": year, "label": year, "count": 2}]
    narrowed = ApiClient(alice).get("/search", q="ledger", year=int(year) + 1).json()
    assert narrowed["total"] == 0


def test_it_refuses_a_bad_year_or_factor(alice: Any) -> None:
    assert "year" in assert_error(ApiClient(alice).get("/search", q="x", year=12), 422)["detail"]
    assert_error(ApiClient(alice).get("/search", q="x", factor="many"), 422)


def test_ids_past_what_a_database_holds_are_refused_not_crashed_on(alice: Any) -> None:
    api = ApiClient(alice)

    assert_error(api.get("/search", q="x", factor=-(2**69)), 422)
    assert_error(api.get("/search", q="x", factor=2**63), 422)
    assert_error(api.patch(f"/me/saved-searches/{2**70}", {"notify": False}), 404)
    assert_error(api.delete(f"/me/saved-searches/{2**70}"), 404)
