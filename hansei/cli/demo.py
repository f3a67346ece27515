"""``hansei demo``: load the demo teams, people, incidents and postmortems."""

from __future__ import annotations

import argparse

from hansei.cli.errors import CommandFailed


def demo(args: argparse.Namespace) -> int:
    from hansei.demo.data import DemoConflict, demo_logins, load_demo

    try:
        loaded = load_demo()
    except DemoConflict as exc:
        raise CommandFailed(str(exc)) from exc
    print("Demo data loaded." if loaded else "Demo data is already loaded: nothing to do.")
    for line in demo_logins():
        print(line)
    return 0
