from __future__ import annotations

from django.urls import path

from hansei.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read/", views.mark_all_read, name="read_all"),
]
