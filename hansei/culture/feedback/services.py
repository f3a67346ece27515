"""Process feedback: open a survey at a postmortem's first publication, answer it.

Rules, one per line:

* a postmortem's first publication opens its survey for ``SURVEY_DAYS`` days; an amendment
  opens none;
* those who took part are asked (``access.survey_participants``): each hears of it through
  the notification center and answers once;
* an anonymous answer is stored without its author, and nothing else records who gave it
  (see ``models``); a named one keeps its author;
* an answer is three marks from 1 to 5 and, optionally, what they would change.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.culture.announcements import announce_survey
from hansei.culture.feedback.models import Survey, SurveyAnswer, SurveyInvitation
from hansei.postmortems.document.models import Revision

SURVEY_DAYS = 14
MAX_CHANGE = 2000


def quarter_of(revision: Revision) -> str:
    moment = timezone.localtime(revision.published_at)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def open_survey(revision: Revision) -> Survey | None:
    """At the first publication (inside its transaction): the survey and its invitations."""
    postmortem = revision.postmortem
    if revision.number != 1 or Survey.objects.filter(postmortem=postmortem).exists():
        return None
    now = timezone.now()
    survey = Survey.objects.create(
        postmortem=postmortem,
        team_id=postmortem.team_id,
        quarter=quarter_of(revision),
        opened_at=now,
        closes_at=now + timedelta(days=SURVEY_DAYS),
    )
    people = list(access.survey_participants(postmortem))
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, user=u) for u in people)
    announce_survey(survey, people)
    return survey


def _mark(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError({field: _("Choose from 1 to 5.")})
    return value


@transaction.atomic
def answer_survey(
    *,
    actor: User,
    survey: Survey,
    helped: int,
    toil: int,
    tools: int,
    change: str = "",
    anonymous: bool = False,
) -> SurveyAnswer:
    marks = {
        "helped": _mark(helped, "helped"),
        "toil": _mark(toil, "toil"),
        "tools": _mark(tools, "tools"),
    }
    text = (change or "").strip()
    if len(text) > MAX_CHANGE:
        raise ValidationError({"change": _("At most %(n)s characters.") % {"n": MAX_CHANGE}})
    access.require(
        access.is_invited_to_survey(actor, survey), _("Only those who took part are asked.")
    )
    if not survey.is_open():
        raise ValidationError(_("This survey is closed."))
    # One answer each: the row is claimed before the answer is written (a second request
    # finds it claimed), and the claim records nothing but that it happened.
    claimed = SurveyInvitation.objects.filter(survey=survey, user=actor, answered=False).update(
        answered=True
    )
    if not claimed:
        raise ValidationError(_("You have already answered."))
    return SurveyAnswer.objects.create(
        survey=survey, respondent=None if anonymous else actor, change=text, **marks
    )
