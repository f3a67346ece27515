"""Process feedback: answering a survey (/culture/surveys/<id>/, for those asked) and the
results per team and quarter (/culture/feedback/)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest
from hansei.culture.feedback import charts
from hansei.culture.feedback.models import MIN_GROUP
from hansei.culture.feedback.queries import pending_surveys, results
from hansei.culture.feedback.services import answer_survey
from hansei.culture.forms import SurveyForm


@login_required
def survey(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_survey_for_user(request.user, pk)
    form = SurveyForm(request.POST or None)
    context: dict[str, Any] = {
        "survey": found,
        "form": form,
        "answered": found.invitations.filter(user=request.user, answered=True).exists(),
    }
    if request.method != "POST":
        return render(request, "culture/survey.html", context)
    outcome = htmx.attempt(
        lambda: answer_survey(actor=request.user, survey=found, **form.cleaned_data), form=form
    )
    return htmx.answer(
        request,
        outcome,
        fragment="culture/survey.html",
        context=lambda: context,
        back=reverse("culture:feedback"),
        page=lambda context, status: render(request, "culture/survey.html", context, status=status),
        done=_("Thank you: your answer counts when the survey closes."),
    )


@login_required
def feedback(request: AuthedRequest) -> HttpResponse:
    groups = results(request.user)
    context = {
        "groups": groups,
        "charts": charts.feedback_charts(groups),
        "pending": pending_surveys(request.user),
        "min_group": MIN_GROUP,
    }
    return render(request, "culture/feedback.html", context)
