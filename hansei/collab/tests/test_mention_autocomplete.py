"""Whom the comment box suggests while someone types "@na": ``GET /postmortems/{id}/mentionable``.
Only people the comment would tell (those who may read it), matched by any of their names."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hansei.accounts.models import User
from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.collab.comments.queries import MAX_SUGGESTIONS
from hansei.collab.comments.services import start_comment_thread
from hansei.conftest import person
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db


def _suggested(user: Any, postmortem: Any, q: str = "", **params: Any) -> list[str]:
    response = ApiClient(user).get(f"/postmortems/{postmortem.pk}/mentionable", q=q, **params)
    assert response.status_code == 200, response.content
    return [person["username"] for person in response.json()]


def _deactivate(user: Any) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def _named(username: str, team: Any = None, **names: str) -> Any:
    """A member (of ``team``) with these names (``display_name``, ``first_name``...)."""
    user = person(username, "member", team)
    User.objects.filter(pk=user.pk).update(**names)
    return user


@pytest.fixture
def payments_people(payments: Any) -> dict[str, Any]:
    """Teammates of Alice and Bob with every kind of name."""
    return {
        "priya": _named("priya", payments, display_name="Priya Natarajan"),
        "ken.sato": _named("ken.sato", payments, display_name="Ken Sato"),
        "yamada": _named("yamada", payments, display_name="山田\u3000太郎"),
        "hmori": _named("hmori", payments, display_name="", first_name="Hanako", last_name="Mori"),
    }


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("pri", ["priya"]),  # the start of a username
        ("PRI", ["priya"]),  # any case
        ("ｐｒｉ", ["priya"]),  # fullwidth, as a Japanese keyboard may type it
        ("nata", ["priya"]),  # a word of the display name
        ("sato", ["ken.sato"]),  # a word of the username and of the name
        ("山田", ["yamada"]),  # a Japanese display name
        ("太郎", ["yamada"]),  # its given name, after an ideographic space
        ("hana", ["hmori"]),  # a first name
        ("mori", ["hmori"]),  # a last name
        ("ri", []),  # the middle of a word matches nothing
    ],
)
def test_it_finds_teammates_by_the_start_of_any_of_their_names(
    bob: Any, make_postmortem: Any, payments_people: dict[str, Any], typed: str, found: list[str]
) -> None:
    assert _suggested(bob, make_postmortem(), typed) == found


def test_it_answers_each_person_s_username_and_name(
    bob: Any, make_postmortem: Any, payments_people: dict[str, Any]
) -> None:
    response = ApiClient(bob).get(f"/postmortems/{make_postmortem().pk}/mentionable", q="h")
    assert response.json() == [{"username": "hmori", "name": "Hanako Mori"}]


def test_it_offers_a_draft_s_team_its_reviewers_and_admins_and_nobody_else(
    alice: Any, bob: Any, charlie: Any, rita: Any, ada: Any, make_postmortem: Any
) -> None:
    draft = make_postmortem()
    person("rex", "reviewer")  # a reviewer, but not of this postmortem

    assert set(_suggested(bob, draft)) == {"alice", "ada"}
    assert _suggested(bob, draft, "ch") == []
    assert _suggested(bob, draft, "r") == []

    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    assert set(_suggested(bob, draft)) == {"alice", "ada", "rita"}
    assert set(_suggested(rita, draft)) == {"alice", "bob", "ada"}
    assert set(_suggested(ada, draft)) == {"alice", "bob", "rita"}


def test_it_offers_everyone_for_a_published_postmortem_but_the_team_for_a_restricted_one(
    alice: Any,
    bob: Any,
    charlie: Any,
    rita: Any,
    ada: Any,
    published_postmortem: Any,
    restricted_approved_postmortem: Any,
) -> None:
    publish_postmortem(actor=alice, postmortem=restricted_approved_postmortem)

    assert _suggested(bob, published_postmortem, "ch") == ["charlie"]
    assert _suggested(charlie, published_postmortem, "bo") == ["bob"]
    assert _suggested(bob, restricted_approved_postmortem, "ch") == []
    assert set(_suggested(bob, restricted_approved_postmortem)) == {"alice", "rita", "ada"}


def test_it_never_offers_inactive_people(
    bob: Any, make_postmortem: Any, payments_people: dict[str, Any], ada: Any
) -> None:
    draft = make_postmortem()
    _deactivate(payments_people["priya"])
    _deactivate(ada)

    assert _suggested(bob, draft, "pri") == []
    assert _suggested(bob, draft, "ada") == []


def test_it_never_offers_the_writer_or_a_username_a_mention_cannot_spell(
    bob: Any, payments: Any, make_postmortem: Any
) -> None:
    person("bob@corp", "member", payments)  # "@bob@corp" would mention "bob"

    assert _suggested(bob, make_postmortem(), "bo") == []


def test_it_offers_the_exact_username_then_the_team_then_by_name(
    alice: Any, bob: Any, payments: Any, published_postmortem: Any, search_team: Any
) -> None:
    _named("al", search_team, display_name="Zed")
    _named("alba", search_team)
    _named("alan", search_team)
    _named("zoe", payments, display_name="Al Zoe")

    assert _suggested(bob, published_postmortem, "al") == ["al", "zoe", "alice", "alan", "alba"]


def test_it_offers_at_most_eight(bob: Any, payments: Any, make_postmortem: Any) -> None:
    for n in range(MAX_SUGGESTIONS + 4):
        person(f"pat{n:02}", "member", payments)

    found = _suggested(bob, make_postmortem(), "pat")
    assert found == [f"pat{n:02}" for n in range(MAX_SUGGESTIONS)]


def test_it_asks_the_database_as_often_however_many_people_match(
    bob: Any, payments: Any, published_postmortem: Any, search_team: Any
) -> None:
    client = Client()
    client.force_login(bob)
    url = f"/api/v1/postmortems/{published_postmortem.pk}/mentionable?q=pat"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    person("pat", "member", payments)
    few = queries()
    for n in range(20):
        person(f"pat{n:02}", "member", search_team if n % 2 else payments)
    assert queries() == few


def test_a_signed_in_page_asks_with_its_session_cookie(
    bob: Any, alice: Any, make_postmortem: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.get(f"/api/v1/postmortems/{make_postmortem().pk}/mentionable", {"q": "al"})
    assert response.status_code == 200
    assert response.json() == [{"username": "alice", "name": "Alice"}]


def test_it_answers_404_to_whoever_may_not_read_the_postmortem(
    charlie: Any, make_postmortem: Any
) -> None:
    path = f"/postmortems/{make_postmortem().pk}/mentionable"
    assert_error(ApiClient(charlie).get(path), 404)
    assert_error(Client().get(f"/api/v1{path}"), 401)


def test_a_reply_on_an_amendment_s_text_offers_only_the_people_writing_it(
    alice: Any, bob: Any, charlie: Any, published_postmortem: Any
) -> None:
    """While an amendment is drafted, a thread on its text is for its writers and reviewers:
    Charlie, who reads the published revision, would not be told, so is not offered."""
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    on_text = start_comment_thread(actor=alice, postmortem=amended, body="?", section_key="summary")
    on_whole = start_comment_thread(actor=alice, postmortem=amended, body="Thanks.")
    path = f"/postmortems/{amended.pk}/mentionable"

    assert _suggested(bob, amended, "ch") == ["charlie"]
    assert _suggested(bob, amended, "ch", thread=on_whole.pk) == ["charlie"]
    assert _suggested(bob, amended, "ch", thread=on_text.pk) == []
    assert _suggested(bob, amended, "ch", section_key="summary") == []
    assert _suggested(bob, amended, "al", thread=on_text.pk) == ["alice"]
    assert_error(ApiClient(charlie).get(path, thread=on_text.pk), 404)
    assert _suggested(charlie, amended, "bo", section_key="summary") == []


def test_readers_of_the_published_revision_do_not_learn_who_reviews_the_amendment(
    alice: Any, bob: Any, rita: Any, payments: Any, restricted_approved_postmortem: Any
) -> None:
    postmortem = restricted_approved_postmortem
    publish_postmortem(actor=alice, postmortem=postmortem)
    start_amendment(actor=alice, postmortem=postmortem)
    rex = person("rex", "reviewer")
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rex])
    tess = person("tess", "reviewer", payments)  # of the team, but writes nothing: reads revisions

    assert _suggested(bob, postmortem, "re") == ["rex"]
    assert _suggested(tess, postmortem, "re") == []
    assert _suggested(tess, postmortem, "ri") == ["rita"]  # reviewed what tess reads


def test_a_thread_of_another_postmortem_is_not_found(
    bob: Any, alice: Any, make_postmortem: Any
) -> None:
    one, other = make_postmortem(), make_postmortem()
    thread = start_comment_thread(actor=alice, postmortem=other, body="Hello.")
    assert_error(ApiClient(bob).get(f"/postmortems/{one.pk}/mentionable", thread=thread.pk), 404)


# --- input no answer should fail on -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=" + "a" * 101, 422),  # longer than any name is typed
        ("q=a%00b", 400),  # a NUL
        ("q=%ED%A0%80", 200),  # a lone surrogate, as UTF-8 would spell it
        ("q=%F0%9F", 200),  # half a character
        ("q=%FF%FE", 200),  # not UTF-8 at all
        ("q=a&q=b", 200),  # twice
        ("q=%25%5F%5C", 200),  # LIKE's wildcards and escape
        ("q=@", 200),
        ("q=" + "%E3%81%82" * 100, 200),  # 100 Japanese characters
        ("thread=abc", 422),
        ("thread=1e3", 422),
        ("thread=-1", 404),
        ("thread=0", 404),
        ("thread=" + "9" * 40, 404),
        ("section_key=" + "s" * 51, 422),
        ("section_key[]=x", 200),
    ],
)
def test_odd_input_is_an_answer_never_a_server_error(
    bob: Any, alice: Any, make_postmortem: Any, query: str, status: int
) -> None:
    api = ApiClient(bob)
    url = f"/api/v1/postmortems/{make_postmortem().pk}/mentionable?{query}"
    response = api.client.get(url, HTTP_AUTHORIZATION=f"Bearer {api.raw_token}")
    assert response.status_code == status, response.content
    if status >= 400:
        assert_error(response, status)
    else:
        assert isinstance(response.json(), list)


@pytest.mark.parametrize("pk", ["0", "-1", "9" * 40, "abc", "1.5"])
def test_an_odd_postmortem_id_is_not_found(bob: Any, pk: str) -> None:
    assert_error(ApiClient(bob).get(f"/postmortems/{pk}/mentionable"), 404)
