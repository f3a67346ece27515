from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hansei.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.checks import register

        from hansei.accounts.sso.checks import check_sign_in_settings

        register(check_sign_in_settings)
