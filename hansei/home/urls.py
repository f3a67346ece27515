from __future__ import annotations

from django.urls import path

from hansei.home import views

app_name = "home"
urlpatterns = [path("", views.my_work, name="my_work")]
