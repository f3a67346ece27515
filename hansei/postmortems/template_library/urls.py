"""The template library's pages (admins change templates)."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.template_library import views

urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
]
