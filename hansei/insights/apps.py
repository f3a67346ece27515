from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "hansei.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The writing check's open findings are recorded at every publication.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.insights import listeners

        listeners.register()
