from __future__ import annotations

from django.urls import path

from hansei.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.jsonl", views.audit_export, name="export"),
]
