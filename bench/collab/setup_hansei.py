"""Create what bench/collab needs in a migrated Hansei database, with the project's own services.

A team, a member of it, N incidents each with its postmortem (from the default template, whose
``summary`` section is the Y.Text the clients edit) and an API token for the member. Prints
``{"token": "...", "rooms": ["postmortem-<id>", ...]}`` on stdout.

Run with the environment of the server it prepares (``bench/collab/run`` does it)::

    DJANGO_SETTINGS_MODULE=hansei.settings HANSEI_DATA_DIR=$tmp \\
        .venv/bin/python bench/collab/setup_hansei.py --postmortems 110

Each run makes a new user (so a reused PostgreSQL bench database never hits the per-user token
limit) and new postmortems; the team is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postmortems", type=int, default=110)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")
    import django

    django.setup()

    from django.db import transaction
    from django.utils import timezone

    from hansei.accounts.models import Membership, Role, Team, User
    from hansei.accounts.services import create_api_token
    from hansei.incidents.models import Severity
    from hansei.incidents.services import IncidentInput, create_incident
    from hansei.postmortems.document.services import create_postmortem

    team, _created = Team.objects.get_or_create(
        slug="bench-collab", defaults={"name": "Bench collab"}
    )
    username = f"bench-collab-{secrets.token_hex(4)}"
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=secrets.token_urlsafe(24),
        display_name="Bench collab",
        role=Role.MEMBER,
    )
    Membership.objects.create(user=user, team=team)
    severity = Severity.objects.order_by("level").filter(level__gte=2).first()
    if severity is None:
        severity = Severity.objects.order_by("level").first()
    if severity is None:
        raise SystemExit("no severity: is the database migrated?")

    rooms = []
    now = timezone.now()
    with transaction.atomic():
        for n in range(args.postmortems):
            incident = create_incident(
                actor=user,
                data=IncidentInput(
                    title=f"Bench collab incident {n + 1}",
                    severity=severity,
                    team=team,
                    started_at=now - timedelta(hours=3),
                    detected_at=now - timedelta(hours=2, minutes=50),
                    resolved_at=now - timedelta(hours=1),
                    summary="Checkout returned 500s for 50 minutes after a config push.",
                ),
            )
            postmortem = create_postmortem(actor=user, incident=incident)
            rooms.append(f"postmortem-{postmortem.pk}")
    _token, raw = create_api_token(actor=user, name="bench/collab")
    print(json.dumps({"token": raw, "rooms": rooms}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
