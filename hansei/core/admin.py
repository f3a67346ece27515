from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from hansei.core import audit
from hansei.core.forms import RowChoiceField, RowsChoiceField
from hansei.core.models import Job


class RowChoicesAdmin:
    """Choices of rows take only row ids, as on Hansei's own pages (``RowChoiceField``): a
    number past 64 bits is an invalid choice, not a server error."""

    formfield_overrides: ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]] = {
        models.ForeignKey: {"form_class": RowChoiceField},
        models.ManyToManyField: {"form_class": RowsChoiceField},
    }


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
class JobAdmin(RowChoicesAdmin, admin.ModelAdmin):
    """The background queue, to see what failed and why (emails that could not be sent...)."""

    list_display = ["id", "kind", "created_at", "attempts", "finished_at", "failed", "last_error"]
    list_filter = ["kind", "failed"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["retry"]

    @admin.action(description=gettext_lazy("Try the failed jobs again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        """After fixing what made them fail (an SMTP password, a webhook address): the jobs
        run again from their first attempt, keeping their keys (sent once, still)."""
        count = queryset.filter(failed=True).update(
            failed=False,
            finished_at=None,
            claimed_at=None,
            claimed_by="",
            attempts=0,
            run_after=timezone.now(),
        )
        self.message_user(
            request, ngettext("%d job queued again.", "%d jobs queued again.", count) % count
        )

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class AuditedAdmin(RowChoicesAdmin, admin.ModelAdmin):
    """A model admin whose additions, changes and deletions go into the audit log, with the
    fields that changed (``audit_secrets`` as ``[secret]``). Actions are named
    ``<audit_name>.created|changed|deleted``; the default name is ``admin.<model>``."""

    audit_name = ""
    audit_secrets: frozenset[str] = frozenset()

    def _action(self, what: str) -> str:
        return f"{self.audit_name or 'admin.' + self.model._meta.model_name}.{what}"

    @staticmethod
    def _fields(obj: Any) -> dict[str, Any]:
        return {field.name: getattr(obj, field.attname) for field in obj._meta.concrete_fields}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        stored = self.model._default_manager.filter(pk=obj.pk).first() if change else None
        before = self._fields(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)
        changes = audit.changes_between(before, self._fields(obj), self.audit_secrets)
        if changes or not change:
            action = self._action("changed" if change else "created")
            audit.record(action, actor=request.user, target=obj, changes=changes)

    def delete_model(self, request: Any, obj: Any) -> None:
        audit.record(self._action("deleted"), actor=request.user, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            audit.record(self._action("deleted"), actor=request.user, target=obj)
        super().delete_queryset(request, queryset)
