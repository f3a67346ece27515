from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hansei.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # People hear of what concerns them.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.notifications import listeners

        listeners.register()
