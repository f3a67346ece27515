from __future__ import annotations

from django.urls import path

from hansei.integrations import views

app_name = "integrations"
urlpatterns = [
    path("<slug:kind>/<slug:token>/", views.receive, name="receive"),
]
