from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "hansei.integrations"
    label = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Chat channels and outgoing webhooks hear of publications and submissions.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.integrations.chat import listeners as chat_listeners

        chat_listeners.register()
        # Issue trackers hear of new, changed and published action items.
        from hansei.integrations.trackers import listeners as tracker_listeners

        tracker_listeners.register()
