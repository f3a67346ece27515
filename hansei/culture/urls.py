from __future__ import annotations

from django.urls import path

from hansei.culture.awards import views as awards
from hansei.culture.drills import views as drills
from hansei.culture.feedback import views as feedback
from hansei.culture.kudos import views as kudos
from hansei.culture.leaders import views as leaders
from hansei.culture.meetings import views as meetings
from hansei.culture.reading import views as reading

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
    path("reading/", reading.club, name="reading"),
    path("reading/lists/new/", reading.new_list, name="new_reading_list"),
    path("reading/lists/<int:pk>/", reading.reading_list, name="reading_list"),
    path("reading/readings/<int:pk>/remove/", reading.remove_reading, name="remove_reading"),
    path("reading/sessions/new/", reading.new_session, name="new_session"),
    path("reading/sessions/<int:pk>/", reading.session, name="session"),
    path("reading/sessions/<int:pk>/edit/", reading.edit_session, name="edit_session"),
    path("reading/sessions/<int:pk>/cancel/", reading.cancel, name="cancel_session"),
    path("reading/sessions/<int:pk>/going/", reading.going, name="session_going"),
    path("reading/sessions/<int:pk>/comments/", reading.comment, name="session_comment"),
    path("reading/sessions/<int:pk>/notes/", reading.notes, name="session_notes"),
    path("reading/sessions/<int:pk>/attendance/", reading.attendance, name="session_attendance"),
    path("reading/sessions/<int:pk>/calendar.ics", reading.calendar, name="session_calendar"),
    path(
        "reading/comments/<int:pk>/delete/", reading.delete_comment, name="delete_session_comment"
    ),
    path("pack/", meetings.latest, name="pack_latest"),
    path("pack/<int:year>/<int:month>/", meetings.pack, name="pack"),
    path("pack/<int:year>/<int:month>/pdf/", meetings.pack_pdf, name="pack_pdf"),
    path("leaders/", leaders.leaders, name="leaders"),
    path("drills/", drills.drills, name="drills"),
    path("postmortems/<int:pk>/drill/", drills.new_drill, name="new_drill"),
    path("drills/<int:pk>/", drills.drill, name="drill"),
    path("drills/<int:pk>/board/", drills.board, name="drill_board"),
    path("drills/<int:pk>/join/", drills.join, name="join_drill"),
    path("drills/<int:pk>/master/", drills.master, name="drill_master"),
    path("drills/<int:pk>/master/board/", drills.master_board, name="drill_master_board"),
    path("drills/<int:pk>/start/", drills.start, name="start_drill"),
    path("drills/<int:pk>/phase/", drills.phase, name="drill_phase"),
    path("drills/<int:pk>/clock/", drills.clock, name="drill_clock"),
    path("drills/<int:pk>/finish/", drills.finish, name="finish_drill"),
    path("drills/<int:pk>/debrief/", drills.debrief, name="drill_debrief"),
    path("drills/cards/<int:pk>/reveal/", drills.reveal, name="reveal_card"),
    path("drills/<int:pk>/edit/", drills.edit, name="edit_drill"),
    path("drills/<int:pk>/opening/", drills.opening, name="drill_opening"),
    path("drills/<int:pk>/cards/", drills.add_card, name="add_drill_card"),
    path("drills/cards/<int:pk>/edit/", drills.edit_card, name="edit_drill_card"),
    path("drills/cards/<int:pk>/remove/", drills.remove_card, name="remove_drill_card"),
    path("drills/<int:pk>/questions/", drills.add_question, name="add_drill_question"),
    path("drills/questions/<int:pk>/edit/", drills.edit_question, name="edit_drill_question"),
    path("drills/questions/<int:pk>/remove/", drills.remove_question, name="remove_drill_question"),
]
