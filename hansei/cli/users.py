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
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import transaction

    from hansei.accounts.models import Membership, Team, User

    username = args.username.strip()
    if not username:
        raise CommandFailed("the username is empty")
    if User.objects.filter(username__iexact=username).exists():
        raise CommandFailed(f"a user named {username!r} already exists")
    try:
        validate_email(args.email)
    except ValidationError as exc:
        raise CommandFailed(f"not an email address: {args.email}") from exc
    teams = list(Team.objects.filter(slug__in=args.team))
    unknown = sorted(set(args.team) - {team.slug for team in teams})
    if unknown:
        known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandFailed(f"unknown team(s): {', '.join(unknown)} (teams: {known})")
    password = read_password(from_stdin=args.password_stdin)
    user = User(username=username, email=args.email, role=args.role, display_name=args.name)
    try:
        validate_password(password, user)
        User.username_validator(username)
    except ValidationError as exc:
        raise CommandFailed(" ".join(exc.messages)) from exc
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            email=args.email,
            password=password,
            role=args.role,
            display_name=args.name,
        )
        for team in teams:
            Membership.objects.create(user=user, team=team)
    where = f" in {', '.join(t.name for t in teams)}" if teams else ""
    print(f"Created {args.role} {username}{where}.")
    return 0
