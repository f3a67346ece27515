"""The admin pages, under /manage/ (names in the ``administration`` namespace)."""

from __future__ import annotations

from django.urls import path

from hansei.administration import integration_urls, people, search, teams, views

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    path("people/", people.people, name="people"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/password-reset/", people.person_reset, name="person_reset"),
    path(
        "invitations/<int:pk>/<slug:action>/",
        people.invitation_action,
        name="invitation_action",
    ),
    path("teams/", teams.teams, name="teams"),
    path("teams/new/", teams.team_new, name="team_new"),
    path("teams/<int:pk>/", teams.team, name="team"),
    path("teams/<int:pk>/delete/", teams.team_delete, name="team_delete"),
    path("search/", search.synonyms, name="synonyms"),
    path("search/<int:pk>/delete/", search.synonym_delete, name="synonym_delete"),
    *integration_urls.urlpatterns,
]
