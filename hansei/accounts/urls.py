from __future__ import annotations

from django.urls import path

from hansei.accounts import views
from hansei.accounts.sso import views as sso_views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("sso/start/", sso_views.StartView.as_view(), name="sso_start"),
    path("sso/callback/", sso_views.CallbackView.as_view(), name="sso_callback"),
    path("settings/", views.settings_page, name="settings"),
    path("tokens/", views.create_token, name="token_create"),
    path("tokens/<int:token_id>/delete/", views.delete_token, name="token_delete"),
]
