from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "hansei.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The archive's index follows publications.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.search import listeners

        listeners.register()
        post_migrate.connect(listeners.reindex_after_migrating, sender=self)
