from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabConfig(AppConfig):
    name = "hansei.collab"
    label = "collab"
    verbose_name = _("Live collaboration")

    def ready(self) -> None:
        # Open pages hear of every change.
        # (Imported here: listeners read models, which exist once every app is loaded.)
        from hansei.collab.live import broadcast

        broadcast.register()
