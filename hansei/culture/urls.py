from __future__ import annotations

from django.urls import path

from hansei.culture.awards import views as awards
from hansei.culture.feedback import views as feedback
from hansei.culture.kudos import views as kudos
from hansei.culture.leaders import views as leaders
from hansei.culture.meetings import views as meetings

app_name = "culture"
urlpatterns = [
    path("", awards.programs, name="programs"),
    path("hall-of-fame/", awards.hall_of_fame, name="hall_of_fame"),
    path("awards/<int:year>/<int:month>/", awards.award_round, name="round"),
    path("awards/<int:year>/<int:month>/withdraw/", awards.withdraw, name="withdraw_vote"),
    path("awards/<int:year>/<int:month>/window/", awards.voting_window, name="voting_window"),
    path("nominations/<int:nomination_id>/vote/", awards.vote, name="vote"),
    path("postmortems/<int:pk>/", kudos.postmortem_panel, name="postmortem_panel"),
    path("postmortems/<int:pk>/nominate/", awards.nominate, name="nominate"),
    path("postmortems/<int:pk>/kudos/", kudos.thank, name="thank"),
    path("feedback/", feedback.feedback, name="feedback"),
    path("surveys/<int:pk>/", feedback.survey, name="survey"),
    path("pack/", meetings.latest, name="pack_latest"),
    path("pack/<int:year>/<int:month>/", meetings.pack, name="pack"),
    path("pack/<int:year>/<int:month>/pdf/", meetings.pack_pdf, name="pack_pdf"),
    path("leaders/", leaders.leaders, name="leaders"),
]
