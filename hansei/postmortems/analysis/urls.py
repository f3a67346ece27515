"""The structured analysis: impact figures, contributing factors, 5 whys, incidents covered."""

from __future__ import annotations

from django.urls import path

from hansei.postmortems.analysis import views

urlpatterns = [
    path("<int:pk>/impact/", views.impact_save, name="impact"),
    path("<int:pk>/factors/", views.factor_add, name="factor_add"),
    path(
        "<int:pk>/factors/<int:factor_id>/delete/",
        views.factor_delete,
        name="factor_delete",
    ),
    path("<int:pk>/whys/", views.chain_start, name="chain_start"),
    path("<int:pk>/whys/<int:chain_id>/", views.chain_edit, name="chain_edit"),
    path("<int:pk>/whys/<int:chain_id>/add/", views.why_add, name="why_add"),
    path(
        "<int:pk>/whys/<int:chain_id>/remove/<int:index>/",
        views.why_remove,
        name="why_remove",
    ),
    path("<int:pk>/whys/<int:chain_id>/delete/", views.chain_delete, name="chain_delete"),
    path("<int:pk>/whys/<int:chain_id>/copy/", views.chain_copy, name="chain_copy"),
    path("<int:pk>/incidents/", views.incident_link, name="incident_link"),
    path(
        "<int:pk>/incidents/<int:incident_id>/unlink/",
        views.incident_unlink,
        name="incident_unlink",
    ),
]
