from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hansei.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hansei.core.audit import connect_sign_in_signals

        connect_sign_in_signals()
