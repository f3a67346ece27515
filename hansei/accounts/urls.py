from __future__ import annotations

from django.urls import path

from hansei.accounts import password_views, views
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
    path("password/", password_views.change_password, name="password_change"),
    path("password/forgot/", password_views.forgot_password, name="password_forgot"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_views.ResetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "invitation/<int:pk>/<str:secret>/",
        password_views.accept_invitation,
        name="invitation",
    ),
]
