from __future__ import annotations

from django.urls import path

from hansei.search import saved_views, similar_views, views

app_name = "search"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("saved/", saved_views.save, name="save"),
    path("saved/<int:pk>/alerts/", saved_views.alerts, name="saved_alerts"),
    path("saved/<int:pk>/delete/", saved_views.delete, name="saved_delete"),
    path(
        "similar/postmortem/<int:pk>/",
        similar_views.similar_to_postmortem,
        name="similar_postmortem",
    ),
    path("similar/incident/<int:pk>/", similar_views.similar_to_incident, name="similar_incident"),
    path(
        "similar/postmortem/<int:pk>/carry/<int:item_id>/",
        similar_views.carry_similar_item,
        name="carry_similar",
    ),
]
