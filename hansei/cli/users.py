"""``hansei createuser``: add a person. The password never appears on the command line."""

from __future__ import annotations

import argparse
import getpass
import sys

from hansei.cli.errors import CommandFailed


def read_password(*, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandFailed("the two passwords differ")
    else:
        raise CommandFailed("no terminal to ask for the password: pipe it with --password-stdin")
    if not password:
        raise CommandFailed("the password is empty")
    return password


def createuser(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from hansei.accounts.models import Team, normalize_username
    from hansei.accounts.services import check_new_user, create_user

    username = normalize_username(args.username)  # "Emma" is created as "emma"
    try:
        check_new_user(username=username, email=args.email)  # before asking for a password
    except ValidationError as exc:
        raise CommandFailed(" ".join(exc.messages)) from exc
    teams = list(Team.objects.filter(slug__in=args.team))
    unknown = sorted(set(args.team) - {team.slug for team in teams})
    if unknown:
        known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandFailed(f"unknown team(s): {', '.join(unknown)} (teams: {known})")
    password = read_password(from_stdin=args.password_stdin)
    try:
        create_user(
            username=username,
            email=args.email,
            password=password,
            role=args.role,
            display_name=args.name,
            teams=teams,
        )
    except ValidationError as exc:
        raise CommandFailed(" ".join(exc.messages)) from exc
    where = f" in {', '.join(t.name for t in teams)}" if teams else ""
    print(f"Created {args.role} {username}{where}.")
    return 0
