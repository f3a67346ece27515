from __future__ import annotations

from django.urls import path

from hansei.reviews import views

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/reviews/<int:review_id>/", views.review, name="review"),
    path("<int:pk>/meeting-notes/", views.meeting_note, name="meeting_note"),
]
