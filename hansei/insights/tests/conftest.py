from __future__ import annotations

from typing import Any

import pytest

from hansei.insights.tests.world import World, build_world


@pytest.fixture
def world(
    builtin_data: None, alice: Any, charlie: Any, rita: Any, payments: Any, search_team: Any
) -> World:
    return build_world(
        alice=alice, charlie=charlie, rita=rita, payments=payments, search=search_team
    )
