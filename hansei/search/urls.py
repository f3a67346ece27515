from __future__ import annotations

from django.urls import path

from hansei.search import views

app_name = "search"
urlpatterns = [path("", views.archive, name="archive")]
