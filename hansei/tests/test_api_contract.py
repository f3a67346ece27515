"""The API does what its OpenAPI document says, and bad input is a 4xx with a reason.

These are the cases an outside attack found; ``test_api_fuzz`` covers the rest of the space."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.incidents.models import PostmortemPolicy, Severity

pytestmark = pytest.mark.django_db

LISTS = ["/postmortems", "/incidents", "/action-items", "/search"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/policy", {"announcement_recipients": None}, "announcement_recipients"),
        ("/policy", {"required_approvals": None}, "required_approvals"),
        ("/severities/3", {"description": None}, "description"),
    ],
)
def test_null_for_a_field_that_cannot_be_cleared_is_refused_by_name(
    ada: Any, builtin_data: None, path: str, body: dict[str, Any], field: str
) -> None:
    before = (
        PostmortemPolicy.current().required_approvals,
        Severity.objects.get(level=3).description,
    )
    assert_error(ApiClient(ada).patch(path, body), 422, field)
    after = (
        PostmortemPolicy.current().required_approvals,
        Severity.objects.get(level=3).description,
    )
    assert after == before


def test_null_still_clears_what_may_be_cleared(alice: Any, make_incident: Any) -> None:
    incident = make_incident()
    response = ApiClient(alice).patch(f"/incidents/{incident.pk}", {"downtime_minutes": None})
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.downtime_minutes is None


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("offset", ["86116334330429399105536", "-1", "1e3", "x"])
def test_an_offset_no_database_can_hold_is_refused(alice: Any, path: str, offset: str) -> None:
    assert_error(ApiClient(alice).get(path, offset=offset), 422, "offset")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"description": "\\ud800"}', "surrogate"),
        ('{"description": "a\\u0000b"}', "NUL"),
        ('{"description": ' + "[" * 200 + "]" * 200 + "}", "nested"),
        ("0", "JSON object"),
        ('"a string"', "JSON object"),
        ("[]", "JSON object"),
        ("{not json", "not valid JSON"),
        ('{"due_days": 1' + "0" * 40 + "}", "too large"),
        ('{"due_days": NaN}', "not valid JSON"),
    ],
)
def test_a_body_no_handler_could_store_is_refused_and_changes_nothing(
    ada: Any, builtin_data: None, raw: str, reason: str
) -> None:
    before = Severity.objects.get(level=3).description
    body = assert_error(ApiClient(ada).send("patch", "/severities/3", raw=raw), 400)
    assert reason in body["detail"]
    assert Severity.objects.get(level=3).description == before


def test_a_string_body_does_not_start_a_postmortem(alice: Any, make_incident: Any) -> None:
    incident = make_incident()
    response = ApiClient(alice).send("post", f"/incidents/{incident.pk}/postmortem", raw='"x"')
    assert_error(response, 400)
    incident.refresh_from_db()
    assert incident.postmortem_id is None


def test_a_lone_surrogate_in_a_text_field_is_refused(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    raw = json.dumps({"occurred_at": "2026-01-01T10:00:00Z", "text": "\ud800 broken"})
    response = ApiClient(alice).send("post", f"/postmortems/{postmortem.pk}/timeline", raw=raw)
    body = assert_error(response, 400, "text")
    assert "surrogate" in body["detail"]


@pytest.mark.parametrize(
    "path", ["/postmortems/abc", "/postmortems/1.5/impact", "/no-such-thing", "/incidents/%C2%B2"]
)
def test_an_address_no_operation_answers_gets_the_api_s_404(alice: Any, path: str) -> None:
    response = ApiClient(alice).get(path)
    assert_error(response, 404)
    assert response["Content-Type"] == "application/json"


def test_a_nul_in_a_query_is_refused_on_the_api_and_on_pages(alice: Any) -> None:
    assert_error(ApiClient(alice).get("/search", q="a\x00b"), 400, "q")
    client = Client()
    client.force_login(alice)
    response = client.get("/archive/", {"q": "a\x00b"})
    assert response.status_code == 400 and "NUL" in response.content.decode()


def test_search_pages_like_every_list(alice: Any) -> None:
    page = ApiClient(alice).get("/search").json()
    # The list's own keys, and what only a search has: facets, a correction, partial matches.
    assert set(page) == {"items", "total", "limit", "offset", "facets", "corrected", "partial"}


def test_every_operation_documents_its_error_answers(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("400", "401"):
                content = responses[code]["content"]["application/json"]["schema"]
                assert content == error, (method, path, code)
            assert "403" in responses, (method, path)
            if "{" in path or operation.get("requestBody"):
                assert "404" in responses, (method, path)
            if method != "get":
                assert "409" in responses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, (method, path)


def test_the_export_documents_both_of_its_formats(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    content = schema["paths"]["/api/v1/postmortems/{pk}/export"]["get"]["responses"]["200"]
    assert set(content["content"]) == {"text/markdown", "application/json"}


def test_operations_are_named_by_their_view_alone_and_uniquely(client: Client) -> None:
    """A client generated from the document must survive a view moving between modules."""
    schema = client.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) > 50
    assert "get_postmortem" in ids and "start_postmortem" in ids
    assert not [i for i in ids if i.startswith("hansei_")]


def test_every_schema_of_the_api_has_its_own_name() -> None:
    """Django Ninja files schemas under their class name: two classes of one name would share
    one entry of the OpenAPI document, and clients would read one answer by the other's shape."""
    from ninja import Schema

    from hansei.api import api

    api.get_openapi_schema()  # every router is loaded
    seen: dict[str, str] = {}
    clashes = []
    pending = list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        if not schema.__module__.startswith("hansei."):
            continue
        where = f"{schema.__module__}.{schema.__qualname__}"
        if seen.setdefault(schema.__name__, where) != where:
            clashes.append(f"{seen[schema.__name__]} and {where}")
    assert clashes == []
