from __future__ import annotations

from django.urls import path

from hansei.action_items import views

app_name = "action_items"
urlpatterns = [
    path("", views.action_item_list, name="list"),
    path("postmortem/<int:pk>/add/", views.add, name="add"),
    path("<int:item_id>/edit/", views.edit, name="edit"),
    path("<int:item_id>/delete/", views.delete, name="delete"),
]
