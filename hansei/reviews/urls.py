from __future__ import annotations

from django.urls import path

from hansei.reviews import meeting_views, views

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/reviews/<int:review_id>/", views.review, name="review"),
    path("<int:pk>/meeting-notes/", views.meeting_note, name="meeting_note"),
    path("<int:pk>/meetings/new/", meeting_views.schedule, name="meeting_new"),
    path("<int:pk>/meetings/<int:meeting_id>/edit/", meeting_views.edit, name="meeting_edit"),
    path("<int:pk>/meetings/<int:meeting_id>/cancel/", meeting_views.cancel, name="meeting_cancel"),
    path(
        "<int:pk>/meetings/<int:meeting_id>/invite.ics",
        meeting_views.calendar_file,
        name="meeting_ics",
    ),
]
