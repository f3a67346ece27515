"""The "Add to timeline" message shortcut: the documentation's message_action payload opens
a modal (views.open); the view_submission Slack sends back, built from that modal the way
Slack builds it, adds the entry (see ``slack_api`` for the documentation)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from hansei.integrations.slack.tests.conftest import SLACK_IDS
from hansei.integrations.slack.tests.slack_api import (
    MESSAGE_SHORTCUT,
    VIEW_SUBMISSION,
    Failure,
    SlackApi,
)
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind
from hansei.reviews.services import submit_for_review

SAID_AT = datetime(2019, 7, 24, 21, 6, 1, 500, tzinfo=UTC)  # the docs' ts 1564002361.000500


def shortcut(as_user: str = "alice", **message: Any) -> dict[str, Any]:
    payload = copy.deepcopy(MESSAGE_SHORTCUT)
    payload["user"]["id"] = SLACK_IDS.get(as_user, as_user)
    payload["message"].update(message)
    return payload


def submission(view: dict[str, Any], as_user: str, draft: Any, text: str | None) -> dict[str, Any]:
    """What Slack sends when the modal ``view`` is submitted with ``draft`` chosen."""
    payload = copy.deepcopy(VIEW_SUBMISSION)
    payload["user"]["id"] = SLACK_IDS.get(as_user, as_user)
    payload["view"].update(
        blocks=view["blocks"],
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        state={
            "values": {
                "postmortem": {
                    "postmortem": {
                        "type": "static_select",
                        "selected_option": {
                            "text": {"type": "plain_text", "text": "…"},
                            "value": str(draft.pk if hasattr(draft, "pk") else draft),
                        },
                    }
                },
                "text": {"text": {"type": "plain_text_input", "value": text}},
            }
        },
    )
    return payload


def opened_view(slack_api: SlackApi) -> dict[str, Any]:
    [opened] = slack_api.called("views.open")
    assert opened.args["trigger_id"] == MESSAGE_SHORTCUT["trigger_id"]
    view: dict[str, Any] = opened.args["view"]
    return view


@pytest.fixture
def linked(in_slack: Any, alice: Any, bob: Any, charlie: Any, rita: Any) -> None:
    in_slack(alice, bob, charlie, rita)


def test_the_shortcut_adds_the_message_to_a_draft_at_the_time_it_was_said(
    slack_api: SlackApi, linked: None, interact: Any, alice: Any, make_postmortem: Any
) -> None:
    draft = make_postmortem()

    response = interact(shortcut())

    assert response.status_code == 200
    view = opened_view(slack_api)
    select, text, said = view["blocks"]
    assert [o["value"] for o in select["element"]["options"]] == [str(draft.pk)]
    assert select["element"]["options"][0]["text"]["text"] == "Checkout API returned 500s"
    # Slack's markup read as the Slack-export importer reads it.
    assert text["element"]["initial_value"] == (
        "Rolled back the config push, @aman & the error rate is down"
    )
    assert "2019-07-24 21:06:01 UTC" in said["elements"][0]["text"]

    sent = submission(view, "alice", draft, "Rolled back the config push")
    answer = interact(sent)

    assert answer.status_code == 200
    assert answer.json()["response_action"] == "update"
    entry = TimelineEntry.objects.get(postmortem=draft, created_by=alice)
    assert entry.occurred_at == SAID_AT
    assert entry.text == "Rolled back the config push"
    assert entry.kind == TimelineKind.COMMUNICATION
    assert entry.link_url == "https://ghostbusters.slack.com/archives/CXXXXXXXXX/p1564002361000500"
    [permalink] = slack_api.called("chat.getPermalink")
    assert permalink.args == {"channel": "CXXXXXXXXX", "message_ts": "1564002361.000500"}


def test_the_modal_lists_only_drafts_the_person_may_change_newest_first(
    slack_api: SlackApi,
    linked: None,
    interact: Any,
    alice: Any,
    rita: Any,
    make_incident: Any,
    make_postmortem: Any,
    published_postmortem: Any,
) -> None:
    older = make_postmortem(incident=make_incident(title="Older"))
    newer = make_postmortem(incident=make_incident(title="Newer"))
    in_review = make_postmortem(incident=make_incident(title="In review"))
    submit_for_review(actor=alice, postmortem=in_review, reviewers=[rita])

    interact(shortcut(as_user="bob"))

    [select, _text, _said] = opened_view(slack_api)["blocks"]
    assert [o["value"] for o in select["element"]["options"]] == [str(newer.pk), str(older.pk)]


def test_the_shortcut_tells_someone_without_drafts_so(
    slack_api: SlackApi, linked: None, interact: Any, make_postmortem: Any
) -> None:
    make_postmortem()

    assert interact(shortcut(as_user="charlie")).status_code == 200

    view = opened_view(slack_api)
    assert "submit" not in view
    assert "no draft postmortem" in view["blocks"][0]["text"]["text"]


def test_the_shortcut_asks_a_stranger_to_link_their_email(
    slack_api: SlackApi, interact: Any, make_postmortem: Any
) -> None:
    make_postmortem()

    interact(shortcut(as_user="U0STRANGER"))

    assert "link your e-mail" in opened_view(slack_api)["blocks"][0]["text"]["text"]


def test_a_submission_for_a_draft_of_another_team_is_refused_on_the_form(
    slack_api: SlackApi, linked: None, interact: Any, make_postmortem: Any, charlie: Any
) -> None:
    draft = make_postmortem()
    interact(shortcut(as_user="alice"))
    view = opened_view(slack_api)

    answer = interact(submission(view, "charlie", draft, "Charlie was here"))

    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    assert "postmortem" in answer.json()["errors"]
    assert not TimelineEntry.objects.filter(created_by=charlie).exists()


def test_a_submission_for_a_draft_the_person_reads_but_may_not_change_is_refused(
    slack_api: SlackApi,
    linked: None,
    interact: Any,
    alice: Any,
    rita: Any,
    make_postmortem: Any,
) -> None:
    draft = make_postmortem()
    interact(shortcut(as_user="alice"))
    view = opened_view(slack_api)
    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])

    as_rita = interact(submission(view, "rita", draft, "A reviewer's note")).json()
    as_alice = interact(submission(view, "alice", draft, "Too late")).json()

    assert as_rita == {
        "response_action": "errors",
        "errors": {"postmortem": "You may not change this postmortem."},
    }
    assert as_alice["response_action"] == "errors"
    assert "in review" in as_alice["errors"]["postmortem"]
    assert not TimelineEntry.objects.filter(created_by__isnull=False).exists()


@pytest.mark.parametrize(
    ("text", "block"),
    [("", "text"), ("   ", "text"), ("x" * 2001, "text")],
)
def test_a_submission_with_a_bad_text_is_refused_on_the_text(
    slack_api: SlackApi,
    linked: None,
    interact: Any,
    make_postmortem: Any,
    text: str,
    block: str,
) -> None:
    draft = make_postmortem()
    interact(shortcut())

    answer = interact(submission(opened_view(slack_api), "alice", draft, text)).json()

    assert answer["response_action"] == "errors"
    assert block in answer["errors"]
    assert not TimelineEntry.objects.filter(created_by__isnull=False).exists()


def test_a_submission_for_an_unknown_postmortem_is_refused(
    slack_api: SlackApi, linked: None, interact: Any, make_postmortem: Any
) -> None:
    make_postmortem()
    interact(shortcut())
    view = opened_view(slack_api)

    for bad in ("999999", "abc", "", "-1", "1e3"):
        answer = interact(submission(view, "alice", bad, "Text")).json()
        assert answer["response_action"] == "errors", bad
    assert not TimelineEntry.objects.filter(created_by__isnull=False).exists()


def test_the_entry_is_kept_without_a_link_when_slack_gives_none(
    slack_api: SlackApi, linked: None, interact: Any, make_postmortem: Any
) -> None:
    draft = make_postmortem()
    interact(shortcut())
    slack_api.fail("chat.getPermalink", Failure(200, {"ok": False, "error": "channel_not_found"}))

    answer = interact(submission(opened_view(slack_api), "alice", draft, "Said in private"))

    assert answer.json()["response_action"] == "update"
    entry = TimelineEntry.objects.get(postmortem=draft, text="Said in private")
    assert entry.link_url == ""


def test_the_shortcut_answers_503_when_slack_cannot_open_the_modal(
    slack_api: SlackApi, linked: None, interact: Any, make_postmortem: Any
) -> None:
    make_postmortem()
    slack_api.fail("views.open", Failure(500, b"<html>down</html>"))

    assert interact(shortcut()).status_code == 503
