from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log's page, API and export (admins only). Entries are written by
    ``hansei.core.audit`` from the services; this app only reads them."""

    name = "hansei.audit"
    label = "audit"
