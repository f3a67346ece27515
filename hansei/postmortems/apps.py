from __future__ import annotations

from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "hansei.postmortems"
    label = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A draft's timeline follows its incidents.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.postmortems.timeline import listeners

        listeners.register()
