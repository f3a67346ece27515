"""The writing check: its panel (a fragment, for scripts), dismissing and restoring findings."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.writing_check import views

urlpatterns = [
    path("<int:pk>/lint/", views.lint_panel, name="lint_panel"),
    path("<int:pk>/lint/dismiss/", views.lint_dismiss, name="lint_dismiss"),
    path(
        "<int:pk>/lint/dismissals/<int:dismissal_id>/restore/",
        views.lint_restore,
        name="lint_restore",
    ),
]
