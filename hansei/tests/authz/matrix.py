"""What the matrix tests need besides the rules: the world loaded once per module, a way to
run each request and roll it back, and a fingerprint of every table to prove that a refused
request changed nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import connection, transaction

# Tables a refused request may still touch: a token's last use, sessions, sign-in counters.
VOLATILE = {"accounts_apitoken", "django_session", "axes_accessattempt", "axes_accesslog"}
VOLATILE |= {"axes_accessfailurelog", "collab_materializedtext"}


def fingerprint() -> dict[str, str]:
    """A hash of every row of every table (but VOLATILE), to compare before and after."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(tables - VOLATILE):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name} ORDER BY 1")
            digest = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
            found[table] = digest
    return found


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone: every request meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def classify_api(status: int) -> str:
    return "denied" if status in (401, 403, 404) else "allowed"


def fill(path: str, ids: dict[str, Any]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path
