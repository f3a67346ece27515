"""Load balancers ask whether the process and its database answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_health_checks(client: Any) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
