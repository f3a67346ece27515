"""schemathesis over the whole OpenAPI document, as a member and as an admin.

Every operation gets a bounded number of generated requests, valid (positive) and invalid
(negative), against the demo data; half the time path ids name real objects, so requests reach
past the 404. Any 5xx, any status code or content type the document does not list, and any
answer that breaks its documented schema fails the test. Negative data must be refused.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.test.client import ClientHandler
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hansei.api import api

pytestmark = pytest.mark.django_db
EXAMPLES = 20  # per operation, role and mode: bounded, so CI stays fast
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = sorted(
    (path, method.upper())
    for path, operations in api.get_openapi_schema()["paths"].items()
    for method in operations
)
# Path parameter -> the model whose ids it names.
ID_SOURCES = {
    "pk": "postmortems.Postmortem",
    "incident_id": "incidents.Incident",
    "item_id": "action_items.ActionItem",
    "review_id": "reviews.Review",
    "entry_id": "postmortems.TimelineEntry",
    "factor_id": "postmortems.ContributingFactor",
    "chain_id": "postmortems.WhyChain",
    "thread_id": "collab.CommentThread",
    "dismissal_id": "postmortems.LintDismissal",
    "template_id": "postmortems.Template",
    "token_id": "accounts.ApiToken",
    "number": "postmortems.Revision",
    "level": "incidents.Severity",
}


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo, loaded once for the module (and removed after it), with a token per role."""
    from django.apps import apps

    from hansei.accounts.models import User
    from hansei.accounts.services import create_api_token
    from hansei.demo.data import load_demo

    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            tokens = {
                role: create_api_token(actor=User.objects.get(username=name), name="fuzz")[1]
                for role, name in (("member", "priya"), ("admin", "emma"))
            }
            ids: dict[str, list[int]] = {}
            for param, label in ID_SOURCES.items():
                model = apps.get_model(label)
                field = "level" if param == "level" else "number" if param == "number" else "pk"
                ids[param] = sorted(set(model.objects.values_list(field, flat=True)))
            yield {"tokens": tokens, "ids": ids}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _test_wsgi_app() -> Any:
    """A WSGI application over Django's test handler, which (unlike the real one) does not
    close the test's database connection at the end of each request."""
    handler = ClientHandler(enforce_csrf_checks=False)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        response = handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        if response.streaming:
            return [b"".join(response.streaming_content)]
        return [response.content]

    return app


@pytest.fixture(scope="module")
def api_schema(demo_world: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _test_wsgi_app())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ["member", "admin"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_keeps_its_contract(
    api_schema: Any,
    demo_world: dict[str, Any],
    django_db_blocker: Any,
    path: str,
    method: str,
    role: str,
    mode: GenerationMode,
) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {demo_world['tokens'][role]}"}
    chooser = random.Random(f"{path} {method} {role}")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: Any) -> None:
        for name in case.path_parameters or {}:
            known = demo_world["ids"].get(name)
            if known and chooser.random() < 0.5 and mode is GenerationMode.POSITIVE:
                case.path_parameters[name] = chooser.choice(known)
        with django_db_blocker.unblock():
            response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    exercise()
