from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "hansei.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The archive's index follows publications.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.search import listeners

        listeners.register()
