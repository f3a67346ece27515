"""The postmortem's pages: the list, the page, its sections and details, publishing,
amendments, revisions, exports."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.document import views

urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("preview/", views.preview, name="preview"),
    path("start/<int:incident_id>/", views.start_postmortem, name="start"),
    path("<int:pk>/", views.postmortem_detail, name="detail"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/sections/<slug:key>/", views.save_section, name="section"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/revisions/<int:number>/pdf/", views.revision_pdf, name="revision_pdf"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
