"""`hansei demo` on a database of its own (test_demo.py shares one loaded demo)."""

from __future__ import annotations

from typing import Any

from hansei.cli.main import main


def test_it_loads_through_the_command_and_prints_the_logins(db: Any, capsys: Any) -> None:
    from hansei.demo.people import DEMO_PASSWORD

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Demo data loaded." in out
    assert f"emma    / {DEMO_PASSWORD}" in out


def test_it_refuses_to_load_over_colliding_data(alice: Any, payments: Any, capsys: Any) -> None:
    from hansei.postmortems.document.models import Postmortem

    assert main(["demo"]) == 2
    assert "team payments" in capsys.readouterr().err
    assert not Postmortem.objects.exists()
