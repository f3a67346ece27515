from __future__ import annotations

from django.urls import path

from hansei.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("policy/", views.policy, name="policy"),
    path("policy/edit/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/edit/", views.incident_edit, name="edit"),
    path("<int:pk>/delete/", views.incident_delete, name="delete"),
    path("<int:pk>/request-postmortem/", views.request_postmortem, name="request_postmortem"),
]
