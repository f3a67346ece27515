from __future__ import annotations

from django.apps import AppConfig


class ActionItemsConfig(AppConfig):
    name = "hansei.action_items"
    label = "action_items"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hansei.action_items import document
        from hansei.postmortems.document import parts

        parts.add_snapshot_part(document.SNAPSHOT_PART)
        # Whether fixes held: re-checked when analyses, incidents or items change.
        from hansei.action_items import listeners

        listeners.register()
