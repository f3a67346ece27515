"""The timeline's pages: add, change, delete an entry; import a chat log."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.timeline import import_views, views

urlpatterns = [
    path("<int:pk>/timeline/", views.timeline_add, name="timeline_add"),
    path("<int:pk>/timeline/<int:entry_id>/", views.timeline_edit, name="timeline_edit"),
    path(
        "<int:pk>/timeline/<int:entry_id>/delete/",
        views.timeline_delete,
        name="timeline_delete",
    ),
    path("<int:pk>/timeline/import/", import_views.timeline_import, name="timeline_import"),
    path(
        "<int:pk>/timeline/import/confirm/",
        import_views.timeline_import_confirm,
        name="timeline_import_confirm",
    ),
]
