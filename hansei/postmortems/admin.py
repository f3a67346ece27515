from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from hansei.postmortems.models import ContributingFactorCategory


@admin.register(ContributingFactorCategory)
class ContributingFactorCategoryAdmin(admin.ModelAdmin):
    """The contributing factor taxonomy. A category in use cannot be deleted (the factors keep
    it): untick "offered for new analyses" to retire it."""

    list_display = ["name", "description", "position", "is_active", "factor_count"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "description"]
    ordering = ["position", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContributingFactorCategory]:
        return super().get_queryset(request).annotate(factor_count=Count("factors"))

    @admin.display(description="factors", ordering="factor_count")
    def factor_count(self, obj: ContributingFactorCategory) -> int:
        return int(getattr(obj, "factor_count", 0))
