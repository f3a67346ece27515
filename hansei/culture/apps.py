from __future__ import annotations

from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "hansei.culture"
    label = "culture"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A first publication opens its process survey.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.culture import emails, listeners

        listeners.register()
        # Its e-mails (a drill, kudos to teammates, a reading club session), for the worker.
        emails.register()
