"""The draft's history: automatic versions, comparing two, restoring a section."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.history import views

urlpatterns = [
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/compare/", views.version_compare, name="version_compare"),
    path("<int:pk>/history/<int:number>/", views.version_detail, name="version"),
    path(
        "<int:pk>/history/<int:number>/restore/<slug:key>/",
        views.version_restore,
        name="version_restore",
    ),
]
