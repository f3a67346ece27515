"""The public incident reports: no sign-in, reached only by their unguessable address."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.customer import views

app_name = "public_reports"
urlpatterns = [
    path("<str:token>/", views.public_report, name="report"),
    path("<str:token>/pdf/", views.public_report_pdf, name="pdf"),
]
