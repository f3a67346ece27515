from __future__ import annotations

from django.urls import path

from hansei.action_items import views

app_name = "action_items"
urlpatterns = [
    path("", views.action_item_list, name="list"),
    path("bulk/", views.bulk_update, name="bulk"),
    path("export.csv", views.export_csv, name="export"),
    path("postmortem/<int:pk>/add/", views.add, name="add"),
    path("postmortem/<int:pk>/carry/", views.carry_over, name="carry_over"),
    path(
        "postmortem/<int:pk>/carried/<int:item_id>/drop/",
        views.drop_carried,
        name="drop_carried",
    ),
    path("<int:item_id>/edit/", views.edit, name="edit"),
    path("<int:item_id>/delete/", views.delete, name="delete"),
]
