from __future__ import annotations

from django.urls import path

from hansei.integrations.trackers import views

app_name = "trackers"
urlpatterns = [
    path("", views.tracker_list, name="list"),
    path("teams/<slug:slug>/", views.tracker_edit, name="edit"),
    path("items/<int:item_id>/create/", views.create_issue, name="create_issue"),
    path("items/<int:item_id>/link/", views.link_issue, name="link_issue"),
    path("items/<int:item_id>/unlink/", views.unlink_issue, name="unlink_issue"),
]
