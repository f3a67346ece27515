from __future__ import annotations

from django.urls import path

from hansei.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:figure>.csv", views.figure_csv, name="figure_csv"),
]
