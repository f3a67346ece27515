from __future__ import annotations

from django.urls import path

from hansei.postmortems import template_views, timeline_views, views

app_name = "postmortems"
urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("preview/", views.preview, name="preview"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/new/", template_views.template_edit, name="template_new"),
    path("templates/<int:template_id>/", template_views.template_edit, name="template_edit"),
    path("<int:pk>/", views.postmortem_detail, name="detail"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path("<int:pk>/sections/<slug:key>/", views.save_section, name="section"),
    path("<int:pk>/timeline/", timeline_views.timeline_add, name="timeline_add"),
    path("<int:pk>/timeline/<int:entry_id>/", timeline_views.timeline_edit, name="timeline_edit"),
    path(
        "<int:pk>/timeline/<int:entry_id>/delete/",
        timeline_views.timeline_delete,
        name="timeline_delete",
    ),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
