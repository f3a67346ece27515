from __future__ import annotations

from django.contrib import admin

from hansei.core.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background queue, to see what failed and why (emails that could not be sent...)."""

    list_display = ["id", "kind", "created_at", "attempts", "finished_at", "failed", "last_error"]
    list_filter = ["kind", "failed"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
