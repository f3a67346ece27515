"""``/hansei``, sent the way Slack sends it (the documentation's signed form, see
``slack_api``), answered only with what the caller may read in Hansei."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hansei.action_items.models import ActionItem, ActionStatus
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.integrations.slack.tests.conftest import texts
from hansei.integrations.slack.tests.slack_api import Failure, SlackApi
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import publish_postmortem
from hansei.reviews.services import submit_for_review


def answer_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    assert answer["response_type"] == "ephemeral"
    return answer


@pytest.fixture
def linked(in_slack: Any, alice: Any, bob: Any, charlie: Any, rita: Any) -> None:
    in_slack(alice, bob, charlie, rita)


def test_it_lists_what_it_can_do(slack_api: SlackApi, linked: None, command: Any) -> None:
    for text in ("help", "", "   "):
        shown = texts(answer_of(command(text)))
        for sub in ("search", "reviews", "actions", "start"):
            assert f"/hansei {sub}" in shown
    [info] = slack_api.called("users.info")[:1]
    assert info.args["user"] == "U2CERLKJA"


def test_it_says_so_for_an_unknown_subcommand(linked: None, command: Any) -> None:
    shown = texts(answer_of(command("frobnicate now")))

    assert "frobnicate" in shown
    assert "/hansei search" in shown


def test_it_asks_someone_hansei_does_not_know_to_link_their_email(
    slack_api: SlackApi, command: Any, alice: Any
) -> None:
    slack_api.people["U0STRANGER"] = "stranger@elsewhere.example"

    shown = texts(answer_of(command("reviews", as_user="U0STRANGER")))

    assert "link your e-mail" in shown


def test_it_does_not_know_a_deactivated_person(
    slack_api: SlackApi, linked: None, command: Any, bob: Any
) -> None:
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    assert "link your e-mail" in texts(answer_of(command("actions", as_user="bob")))


def test_it_searches_the_archive_with_links_back(
    linked: None, command: Any, published_postmortem: Any
) -> None:
    shown = texts(answer_of(command("search checkout")))

    url = f"https://hansei.example.com/postmortems/{published_postmortem.pk}/"
    assert f"<{url}|Checkout API returned 500s>" in shown


def test_search_never_shows_a_draft_or_a_restricted_postmortem_to_an_outsider(
    linked: None,
    command: Any,
    alice: Any,
    make_incident: Any,
    make_postmortem: Any,
    restricted_approved_postmortem: Any,
) -> None:
    publish_postmortem(actor=alice, postmortem=restricted_approved_postmortem)
    make_postmortem(
        incident=make_incident(title="Checkout draft"), title="Checkout draft nobody reads"
    )

    as_charlie = texts(answer_of(command("search checkout", as_user="charlie")))
    as_alice = texts(answer_of(command("search checkout", as_user="alice")))

    assert "Checkout" not in as_charlie
    assert "No published postmortem you may read" in as_charlie
    assert "Checkout API returned 500s" in as_alice
    assert "draft nobody" not in as_alice  # drafts are not in the archive


def test_search_shows_at_most_ten_titles_and_a_link_to_the_rest(
    linked: None, command: Any, alice: Any, rita: Any, make_incident: Any, make_postmortem: Any
) -> None:
    from hansei.conftest import _approved

    for number in range(11):
        draft = make_postmortem(incident=make_incident(title=f"Checkout outage {number}"))
        publish_postmortem(actor=alice, postmortem=_approved(draft, alice, rita))

    answer = answer_of(command("search checkout"))

    shown = texts(answer)
    assert shown.count("• <") == 10
    assert "All 11 in the archive" in shown
    assert "/archive/?q=checkout" in shown


def test_search_asks_for_words(linked: None, command: Any) -> None:
    assert "Say what to look for" in texts(answer_of(command("search")))


def test_it_lists_the_reviews_waiting_for_the_reviewer(
    linked: None, command: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    as_rita = texts(answer_of(command("reviews", as_user="rita")))
    as_alice = texts(answer_of(command("reviews", as_user="alice")))

    assert f"postmortems/{postmortem.pk}/|Checkout API returned 500s>" in as_rita
    assert "No review is waiting for you." in as_alice


def test_it_lists_unfinished_action_items_overdue_first(
    linked: None, command: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    today = timezone.localdate()

    def item(title: str, due: Any, status: str = ActionStatus.OPEN) -> None:
        data = ActionItemInput(title=title, owner=bob, due_date=today + timedelta(days=1))
        added = add_action_item(actor=alice, postmortem=postmortem, data=data)
        # Time passes: the due date moves where the test needs it (the past, or none).
        ActionItem.objects.filter(pk=added.pk).update(due_date=due, status=status)

    item("Someday", None)
    item("Next week", today + timedelta(days=7))
    item("Late", today - timedelta(days=2))
    item("Finished", today - timedelta(days=9), ActionStatus.DONE)

    shown = texts(answer_of(command("actions", as_user="bob")))

    assert shown.index("Late") < shown.index("Next week") < shown.index("Someday")
    assert "overdue since" in shown
    assert "Finished" not in shown
    assert "You have no unfinished action item." in texts(answer_of(command("actions")))


def test_it_starts_a_postmortem_for_an_incident_and_links_to_it(
    linked: None, command: Any, make_incident: Any
) -> None:
    incident = make_incident()

    shown = texts(answer_of(command(f"start #{incident.pk}")))

    postmortem = Postmortem.objects.get(incidents=incident)
    assert postmortem.created_by.username == "alice"
    assert f"https://hansei.example.com/postmortems/{postmortem.pk}/" in shown
    again = texts(answer_of(command(f"start {incident.pk}")))
    assert "already has a postmortem" in again
    assert Postmortem.objects.count() == 1


def test_it_starts_no_postmortem_for_someone_outside_the_team(
    linked: None, command: Any, make_incident: Any
) -> None:
    incident = make_incident()

    shown = texts(answer_of(command(f"start {incident.pk}", as_user="charlie")))

    assert f"You have no incident #{incident.pk}." in shown
    assert not Postmortem.objects.exists()


def test_it_starts_no_postmortem_for_a_reviewer_who_cannot_write(
    linked: None, command: Any, alice: Any, rita: Any, make_incident: Any, make_postmortem: Any
) -> None:
    first = make_postmortem()
    submit_for_review(actor=alice, postmortem=first, reviewers=[rita])
    incident = make_incident(title="Another")

    shown = texts(answer_of(command(f"start {incident.pk}", as_user="rita")))

    assert "You have no incident" in shown
    assert Postmortem.objects.count() == 1


@pytest.mark.parametrize("text", ["start", "start abc", "start 1 2", "start -4", "start 99999"])
def test_it_explains_a_bad_incident_number(linked: None, command: Any, text: str) -> None:
    shown = texts(answer_of(command(text)))

    assert "incident" in shown
    assert not Postmortem.objects.exists()


def test_it_answers_a_very_long_command_with_a_message(linked: None, command: Any) -> None:
    assert "too long" in texts(answer_of(command("search " + "x" * 5000)))
    assert "characters or fewer" in texts(answer_of(command("search " + "x" * 300)))


@pytest.mark.parametrize(
    "text",
    [
        "search \U0001f525\u200b\u202e<!channel>",
        "search *_`~>",
        "SEARCH checkout",
        "\u3000search\u3000障害",
        "start ５",
    ],
)
def test_it_answers_odd_text_helpfully(linked: None, command: Any, text: str) -> None:
    answer = answer_of(command(text))

    assert texts(answer)
    assert "<!channel>" not in texts(answer)


def test_a_nul_in_the_command_is_refused_at_the_door(linked: None, command: Any) -> None:
    # The site's request guard refuses NUL in any form value before a view reads it.
    assert command("start \x00").status_code == 400
    assert not Postmortem.objects.exists()


def test_it_blames_the_app_not_the_person_when_the_token_is_refused(
    slack_api: SlackApi, linked: None, command: Any
) -> None:
    slack_api.fail("users.info", Failure(200, {"ok": False, "error": "invalid_auth"}))

    shown = texts(answer_of(command("reviews")))

    assert "an admin must check the Slack app" in shown
    assert "link your e-mail" not in shown


def test_it_asks_to_try_again_when_slack_is_unavailable(
    slack_api: SlackApi, linked: None, command: Any
) -> None:
    slack_api.fail("users.info", Failure(503, {"ok": False, "error": "service_unavailable"}))

    assert "try again" in texts(answer_of(command("reviews")))
