"""The customer version's pages for writers (in the ``postmortems`` namespace)."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.customer import views

urlpatterns = [
    path("<int:pk>/customer/", views.customer_report, name="customer"),
    path("<int:pk>/customer/<slug:action>/", views.customer_action, name="customer_action"),
]
