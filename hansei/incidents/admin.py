from __future__ import annotations

from django.contrib import admin

from hansei.core.admin import AuditedAdmin
from hansei.incidents.models import Service


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    audit_name = "service"

    list_display = ["name", "slug", "team"]
    list_filter = ["team"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
