"""The one change this app makes: noting that someone took the audit log away."""

from __future__ import annotations

from dataclasses import asdict

from hansei import access
from hansei.accounts.models import User
from hansei.audit.queries import AuditFilter
from hansei.core import audit


def note_audit_export(*, actor: User, found: AuditFilter) -> None:
    access.require(access.can_read_audit_log(actor))
    used = {name: value for name, value in asdict(found).items() if value}
    audit.record("audit.exported", actor=actor, changes={"filter": audit.plain(used)})
