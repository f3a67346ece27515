from __future__ import annotations

from django.contrib import admin

from hansei.core.models import Job


class ReadOnlyAdminMixin:
    """For records kept as evidence (deliveries, dismissals): listed, never added, changed or
    deleted by hand."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


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
