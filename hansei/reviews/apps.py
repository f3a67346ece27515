from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "hansei.reviews"
    label = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hansei.postmortems.document import parts
        from hansei.reviews import document

        parts.add_snapshot_part(document.SNAPSHOT_PART)
        parts.add_publish_check(document.review_blockers)
