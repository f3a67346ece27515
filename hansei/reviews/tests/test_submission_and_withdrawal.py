"""Required sections are required at submission; writers withdraw from review; returned
drafts stand out on Home; publishing is confirmed in the page, naming who will be told."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from hansei.accounts.services import create_api_token
from hansei.core.errors import InvalidState
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import Status
from hansei.postmortems.history.models import Version, VersionReason
from hansei.reviews.models import Decision, Review
from hansei.reviews.services import (
    approve_review,
    request_changes,
    submit_for_review,
    withdraw_from_review,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_draft_with_empty_required_sections_is_not_submitted_and_the_message_names_them(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem(complete=False)
    with pytest.raises(ValidationError) as refused:
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    [message] = refused.value.message_dict["__all__"]
    for title in ("Root causes", "Trigger", "Resolution", "Detection"):
        assert f"“{title}”" in message
    assert "Summary" not in message  # written from the incident
    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT and not Review.objects.exists()
    # The page says it too, with the form kept, and the API answers 400 with the reason.
    page = _client(alice).post(
        reverse("reviews:submit", args=[postmortem.pk]), {"reviewers": [rita.pk]}
    )
    assert page.status_code == 400 and "“Root causes”" in page.content.decode()
    token = create_api_token(actor=alice, name="test")[1]
    answer = Client().post(
        f"/api/v1/postmortems/{postmortem.pk}/submit",
        data=json.dumps({"reviewers": ["rita"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 400 and "Root causes" in answer.content.decode()
    # Whitespace is not writing.
    postmortem.sections.filter(required=True, kind="markdown", body="").update(body="  \n ")
    with pytest.raises(ValidationError):
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])


def test_writers_withdraw_from_review_and_the_next_submission_is_a_new_round(
    make_postmortem: Any, alice: Any, bob: Any, rita: Any, ada: Any, full_checklist: Any
) -> None:
    PostmortemPolicy.objects.update(required_approvals=1)
    postmortem = make_postmortem()
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    with pytest.raises(PermissionDenied):
        withdraw_from_review(actor=rita, postmortem=postmortem)  # a reviewer does not
    response = _client(bob).post(reverse("reviews:withdraw", args=[postmortem.pk]))
    assert response.status_code == 302
    postmortem.refresh_from_db()
    review.refresh_from_db()
    assert postmortem.status == Status.DRAFT and review.decision == Decision.WITHDRAWN
    assert Version.objects.filter(postmortem=postmortem, reason=VersionReason.WITHDRAWN).exists()
    # Nothing left waiting for the reviewer.
    assert not Review.objects.filter(reviewer=rita).pending().current().exists()
    with pytest.raises(InvalidState):
        withdraw_from_review(actor=alice, postmortem=postmortem)  # a draft already
    [again] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    assert again.round == review.round + 1
    # An approved postmortem may be withdrawn too; its approval no longer counts.
    approve_review(actor=rita, review=again, checklist=full_checklist, comment="Good.")
    postmortem.refresh_from_db()
    assert postmortem.status == Status.APPROVED
    withdraw_from_review(actor=alice, postmortem=postmortem)
    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT


def test_the_api_withdraws_and_answers_409_when_there_is_nothing_to_withdraw(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    token = create_api_token(actor=alice, name="test")[1]

    def withdraw() -> Any:
        return Client().post(
            f"/api/v1/postmortems/{postmortem.pk}/withdraw",
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert withdraw().status_code == 409
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    answer = withdraw()
    assert answer.status_code == 200 and answer.json()["status"] == "draft"


def test_a_returned_draft_stands_out_on_home_with_who_asked_for_what(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    waiting = make_postmortem(title="Quiet draft")
    returned = make_postmortem(title="Sent back draft")
    [review] = submit_for_review(actor=alice, postmortem=returned, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="Add the detection timeline.")
    html = _client(alice).get("/").content.decode()
    owned = html[html.index('id="owned"') :]
    assert owned.index("Sent back draft") < owned.index("Quiet draft")
    assert 'class="sent-back"' in owned
    assert "Rita asked for changes:" in owned and "Add the detection timeline." in owned
    assert waiting.title in owned


def test_publishing_is_confirmed_in_the_page_naming_who_will_be_told(
    approved_postmortem: Any, alice: Any
) -> None:
    policy = PostmortemPolicy.current()
    page = _client(alice).get(reverse("postmortems:detail", args=[approved_postmortem.pk]))
    html = page.content.decode()
    confirm = html[
        html.index('id="publish-confirm"') : html.index(
            "</details>", html.index('id="publish-confirm"')
        )
    ]
    assert "data-confirm" not in confirm  # asked in the page, not by the browser's confirm()
    assert "The Payments team (1 person), in their inbox" in confirm
    assert "No distribution list or chat channel is set up" in html
    policy.announcement_recipients = "postmortems@example.com"
    policy.save()
    html = (
        _client(alice)
        .get(reverse("postmortems:detail", args=[approved_postmortem.pk]))
        .content.decode()
    )
    assert "<code>postmortems@example.com</code>" in html
    assert "No distribution list" not in html
    published = _client(alice).post(
        reverse("postmortems:publish", args=[approved_postmortem.pk]), follow=True
    )
    assert "was announced" not in published.content.decode()
