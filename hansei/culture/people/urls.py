from __future__ import annotations

from django.urls import path

from hansei.culture.people import views

app_name = "people"
urlpatterns = [path("<str:username>/", views.person, name="person")]
