"""Process feedback: a survey at the first publication, answered once by those who took part,
anonymously if they choose, with results only per team and quarter and only for groups big
enough not to give anyone away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.conftest import person
from hansei.culture.feedback.models import Survey, SurveyAnswer, SurveyInvitation
from hansei.culture.feedback.queries import results
from hansei.culture.feedback.services import answer_survey
from hansei.notifications.models import Notification, NotificationKind
from hansei.postmortems.document.services import publish_postmortem, start_amendment

pytestmark = pytest.mark.django_db
MARKS = {"helped": 4, "toil": 2, "tools": 5}


def close(survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))


def reopen(survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() + timedelta(days=1))


def asked(survey: Survey) -> list[str]:
    return sorted(survey.invitations.values_list("user__username", flat=True))


def test_the_first_publication_asks_those_who_took_part(
    publish: Any, alice: Any, bob: Any, rita: Any, charlie: Any
) -> None:
    postmortem = publish()

    survey = Survey.objects.get(postmortem=postmortem)
    # Alice owns and started it and led the incident; Rita reviewed it.
    assert asked(survey) == ["alice", "rita"]
    assert survey.team == postmortem.team and survey.quarter.startswith(
        str(timezone.localdate().year)
    )
    told = Notification.objects.filter(kind=NotificationKind.SURVEY)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["alice", "rita"]
    assert told.get(recipient=rita).url == reverse("culture:survey", args=[survey.pk])


def test_a_survey_never_shows_a_restricted_postmortem_to_someone_outside_it(
    publish: Any, alice: Any, rita: Any, charlie: Any
) -> None:
    def charlie_responds(postmortem: Any, writer: Any) -> None:
        postmortem.incidents.get().responders.add(charlie)  # Search, helping Payments

    secret = publish("Secret HSM key leak", restricted=True, before=charlie_responds)
    assert asked(Survey.objects.get(postmortem=secret)) == ["alice", "rita"]

    open_one = publish("Checkout outage", before=charlie_responds)
    survey = Survey.objects.get(postmortem=open_one)
    assert asked(survey) == ["alice", "charlie", "rita"]
    type(open_one).objects.filter(pk=open_one.pk).update(
        restricted=True, published_title="Payments HSM incident"
    )  # restricted since it was published

    client, api = Client(), ApiClient(charlie)
    client.force_login(charlie)
    assert client.get(reverse("culture:survey", args=[survey.pk])).status_code == 404
    for page in (reverse("culture:feedback"), reverse("home:my_work")):
        html = client.get(page).content.decode()
        assert "HSM" not in html and "Checkout outage" not in html
    assert api.get("/me/surveys").json() == []
    assert_error(api.post(f"/culture/surveys/{survey.pk}/answers", MARKS), 404)
    with pytest.raises(PermissionDenied):
        answer_survey(actor=charlie, survey=survey, **MARKS)


def test_an_amendment_asks_nobody_again(publish: Any, alice: Any, rita: Any) -> None:
    from hansei.conftest import FULL_CHECKLIST
    from hansei.reviews.services import approve_review, submit_for_review

    postmortem = publish()
    start_amendment(actor=alice, postmortem=postmortem)
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Fine.")
    publish_postmortem(actor=alice, postmortem=postmortem, change_note="Clarified the trigger.")

    assert Survey.objects.count() == 1 and SurveyInvitation.objects.count() == 2


def test_each_person_answers_once_and_only_those_asked(publish: Any, alice: Any, bob: Any) -> None:
    survey = Survey.objects.get(postmortem=publish())

    answer_survey(actor=alice, survey=survey, change="Fewer fields.", **MARKS)

    with pytest.raises(ValidationError, match="already answered"):
        answer_survey(actor=alice, survey=survey, **MARKS)
    with pytest.raises(PermissionDenied):
        answer_survey(actor=bob, survey=survey, **MARKS)
    answer = SurveyAnswer.objects.get()
    assert (answer.respondent, answer.helped, answer.change) == (alice, 4, "Fewer fields.")


@pytest.mark.parametrize(
    "marks", [{"helped": 0}, {"toil": 6}, {"tools": True}, {"helped": "4"}, {"toil": None}]
)
def test_marks_are_from_one_to_five(publish: Any, alice: Any, marks: dict[str, Any]) -> None:
    survey = Survey.objects.get(postmortem=publish())

    with pytest.raises(ValidationError):
        answer_survey(actor=alice, survey=survey, **{**MARKS, **marks})
    with pytest.raises(ValidationError):
        answer_survey(actor=alice, survey=survey, change="x" * 2001, **MARKS)
    assert not SurveyAnswer.objects.exists()
    assert not SurveyInvitation.objects.filter(answered=True).exists()


def test_a_closed_survey_takes_no_answer(publish: Any, alice: Any) -> None:
    survey = Survey.objects.get(postmortem=publish())
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now())
    survey.refresh_from_db()

    with pytest.raises(ValidationError, match="closed"):
        answer_survey(actor=alice, survey=survey, **MARKS)


def test_an_anonymous_answer_cannot_be_traced_back(publish: Any, alice: Any, rita: Any) -> None:
    survey = Survey.objects.get(postmortem=publish())

    answer_survey(actor=rita, survey=survey, anonymous=True, change="Too many fields.", **MARKS)

    answer = SurveyAnswer.objects.get()
    assert answer.respondent is None
    # Nothing stored says who or when: the answer has no person and no time, the invitation
    # only that it was answered.
    answer_columns = {f.column for f in SurveyAnswer._meta.concrete_fields}
    assert answer_columns == {
        "id",
        "survey_id",
        "respondent_id",
        "helped",
        "toil",
        "tools",
        "change",
    }
    invitation_columns = {f.column for f in SurveyInvitation._meta.concrete_fields}
    assert invitation_columns == {"id", "survey_id", "user_id", "answered"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM core_auditevent WHERE target_type LIKE %s", ["survey%"]
        )
        assert cursor.fetchone()[0] == 0
    # The API gives it back with no author either, even to an admin.
    ada = person("ada2", "admin")
    close(survey)
    [group] = results(ada)
    assert group.changes in ([], [("Too many fields.", None)])


def test_results_show_groups_of_three_answers_or_more(
    publish: Any, alice: Any, bob: Any, rita: Any, charlie: Any, payments: Any
) -> None:
    survey = Survey.objects.get(postmortem=publish())
    extra = [person(f"responder{n}", "member", payments) for n in range(2)]
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, user=u) for u in extra)
    answer_survey(actor=alice, survey=survey, change="Shorter template.", **MARKS)
    answer_survey(actor=rita, survey=survey, anonymous=True, helped=2, toil=5, tools=3)

    assert results(charlie) == []  # open: its answers do not count yet
    close(survey)
    [small] = results(charlie)
    assert (small.answers, small.asked, small.shown, small.helped) == (2, 4, False, None)

    reopen(survey)
    answer_survey(actor=extra[0], survey=survey, anonymous=True, change="More time.", **MARKS)
    assert results(alice) == []  # open again: the newest answer would stand out
    close(survey)

    [group] = results(charlie)
    assert (group.answers, group.response_rate) == (3, 75)
    assert (group.helped, group.toil, group.tools) == (67, 33, 67)
    assert group.changes == []  # Charlie is no lead of the team
    [as_lead] = results(alice)  # Alice leads Payments
    assert as_lead.changes == [("More time.", None), ("Shorter template.", "Alice")]


def test_surveys_through_the_pages_and_the_api(
    publish: Any, alice: Any, rita: Any, charlie: Any
) -> None:
    survey = Survey.objects.get(postmortem=publish())
    client = Client()
    client.force_login(rita)
    url = reverse("culture:survey", args=[survey.pk])

    assert "Did the postmortem process help?" in client.get(url).content.decode()
    assert url in client.get(reverse("home:my_work")).content.decode()
    refused = client.post(url, {"helped": "9", "toil": "2", "tools": "3"})
    assert refused.status_code == 400 and not SurveyAnswer.objects.exists()
    done = client.post(url, {"helped": "5", "toil": "2", "tools": "3", "anonymous": "on"})
    assert done.status_code == 302 and SurveyAnswer.objects.get().respondent is None
    assert "You have answered" in client.get(url).content.decode()
    assert url not in client.get(reverse("home:my_work")).content.decode()
    outsider = Client()
    outsider.force_login(charlie)
    assert outsider.get(url).status_code == 404

    api = ApiClient(alice)
    assert [s["id"] for s in api.get("/me/surveys").json()] == [survey.pk]
    assert_error(api.post(f"/culture/surveys/{survey.pk}/answers", {**MARKS, "toil": 7}), 422)
    created = api.post(f"/culture/surveys/{survey.pk}/answers", MARKS)
    assert created.status_code == 201 and created.json() == {"answered": True}
    assert api.get("/me/surveys").json() == []
    assert (
        ApiClient(charlie).post(f"/culture/surveys/{survey.pk}/answers", MARKS).status_code == 404
    )
    close(survey)
    [group] = ApiClient(charlie).get("/culture/feedback").json()
    assert (group["answers"], group["helped"], group["changes"]) == (2, None, [])
    page = outsider.get(reverse("culture:feedback")).content.decode()
    assert "fewer than 3 answers" in page
