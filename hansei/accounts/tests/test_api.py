"""API authentication (tokens, sessions with CSRF), tokens, errors and the OpenAPI document.

``ApiClient`` is the helper every ``test_api.py`` uses to call the API as a user.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from hansei.accounts.models import ApiToken, hash_token
from hansei.accounts.services import create_api_token, revoke_api_token
from hansei.conftest import PASSWORD

BASE = "/api/v1"


class ApiClient:
    """Calls the API with a fresh bearer token of ``user``; bodies are sent as JSON."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.token, self.raw_token = create_api_token(actor=user, name="tests")
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw_token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, **self._headers())

    def send(self, method: str, path: str, data: Any = None, *, raw: str | None = None) -> Any:
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        call = getattr(self.client, method)
        return call(BASE + path, data=body, content_type="application/json", **self._headers())

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        return self.send("post", path, data, **kwargs)

    def put(self, path: str, data: Any = None) -> Any:
        return self.send("put", path, data)

    def patch(self, path: str, data: Any = None) -> Any:
        return self.send("patch", path, data)

    def delete(self, path: str) -> Any:
        return self.client.delete(BASE + path, **self._headers())


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is a JSON error with a reason (and the field's messages, if named)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    if field is not None:
        assert body["errors"][field], body
    return body


# --- tokens -------------------------------------------------------------------------------


def test_it_stores_only_the_hash_of_a_new_token(alice: Any) -> None:
    token, raw = create_api_token(actor=alice, name="CI")
    assert raw.startswith("hansei_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in (stored.key_hash, stored.prefix)


def test_it_authenticates_a_bearer_token_and_records_its_use(alice: Any) -> None:
    api = ApiClient(alice)
    response = api.get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["teams"] == ["payments"]
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None
    assert timezone.now() - api.token.last_used_at < timezone.timedelta(minutes=1)


@pytest.mark.parametrize(
    "header",
    ["Bearer hansei_not-a-real-token", "Bearer ", "Token abc", "Basic YWxpY2U6eA=="],
)
def test_it_refuses_a_bad_token_with_401(db: Any, header: str) -> None:
    response = Client().get(f"{BASE}/me", HTTP_AUTHORIZATION=header)
    body = assert_error(response, 401)
    assert "Bearer" in response["WWW-Authenticate"]
    assert "Authentication required" in body["detail"]


def test_it_refuses_an_unsafe_request_without_credentials_with_401_not_403(db: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"{BASE}/incidents", data="{}", content_type="application/json"
    )
    assert_error(response, 401)


def test_it_refuses_the_token_of_an_inactive_user(alice: Any) -> None:
    api = ApiClient(alice)
    alice.is_active = False
    alice.save()
    assert_error(api.get("/me"), 401)


def test_it_refuses_a_revoked_token(alice: Any) -> None:
    api = ApiClient(alice)
    revoke_api_token(actor=alice, token=api.token)
    assert_error(api.get("/me"), 401)
    assert not ApiToken.objects.filter(user=alice).exists()


def test_it_creates_lists_and_revokes_tokens_through_the_api(alice: Any) -> None:
    api = ApiClient(alice)
    created = api.post("/tokens", {"name": "deploy bot"})
    assert created.status_code == 201
    raw = created.json()["token"]
    token = ApiToken.objects.get(name="deploy bot")
    assert token.key_hash == hash_token(raw) and token.user == alice
    listed = api.get("/tokens").json()
    assert {t["name"] for t in listed} == {"tests", "deploy bot"}
    assert all("token" not in t for t in listed)
    assert api.delete(f"/tokens/{token.pk}").status_code == 204
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_it_hides_other_peoples_tokens(alice: Any, bob: Any) -> None:
    bobs, _raw = create_api_token(actor=bob, name="bob's")
    assert_error(ApiClient(alice).delete(f"/tokens/{bobs.pk}"), 404)
    assert ApiToken.objects.filter(pk=bobs.pk).exists()


def test_it_refuses_a_token_without_a_name(alice: Any) -> None:
    api = ApiClient(alice)
    assert_error(api.post("/tokens", {"name": "  "}), 400, "name")
    assert ApiToken.objects.filter(user=alice).count() == 1


# --- sessions and CSRF --------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    # Every sign-in goes through django-axes, which needs the request it throttles.
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


def test_it_reads_with_a_session_without_a_csrf_token(alice: Any) -> None:
    response = _signed_in(alice).get(f"{BASE}/me")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_it_refuses_a_session_write_without_the_csrf_token(alice: Any) -> None:
    response = _signed_in(alice).post(
        f"{BASE}/tokens", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    body = assert_error(response, 403)
    assert "CSRF" in body["detail"]
    assert not ApiToken.objects.exists()


def test_it_accepts_a_session_write_with_the_csrf_token(alice: Any) -> None:
    client = _signed_in(alice)

    csrf = "a" * 32
    client.cookies["csrftoken"] = csrf
    response = client.post(
        f"{BASE}/tokens",
        data=json.dumps({"name": "from the browser"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.filter(user=alice, name="from the browser").exists()


def test_it_needs_no_csrf_token_with_a_bearer_token(alice: Any) -> None:
    _token, raw = create_api_token(actor=alice, name="script")
    response = Client(enforce_csrf_checks=True).post(
        f"{BASE}/tokens",
        data=json.dumps({"name": "made by a script"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.filter(user=alice, name="made by a script").exists()


# --- errors and the document --------------------------------------------------------------


def test_it_answers_malformed_json_with_400(alice: Any) -> None:
    response = ApiClient(alice).post("/tokens", raw='{"name": ')
    body = assert_error(response, 400)
    assert "JSON" in body["detail"]
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_it_answers_an_oversized_body_with_413(alice: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = ApiClient(alice).post("/tokens", {"name": "x" * 2000})
    assert assert_error(response, 413)["detail"] == "The request body is too large."
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_it_answers_schema_errors_with_422_and_field_errors(alice: Any) -> None:
    response = ApiClient(alice).post("/tokens", {"name": ["not", "a", "string"]})
    body = assert_error(response, 422, "name")
    assert "name" in body["detail"]


def test_it_serves_an_openapi_document_listing_the_paths(alice: Any) -> None:
    response = ApiClient(alice).client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}/requirement",
        "/api/v1/postmortems/{pk}",
        "/api/v1/postmortems/{pk}/sections/{key}",
        "/api/v1/postmortems/{pk}/timeline",
        "/api/v1/postmortems/{pk}/publish",
        "/api/v1/postmortems/{pk}/revisions",
        "/api/v1/postmortems/{pk}/action-items",
        "/api/v1/reviews/{review_id}/approve",
        "/api/v1/search",
        "/api/v1/policy",
    ):
        assert path in paths, path
    schemes = response.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_it_serves_the_interactive_docs(alice: Any) -> None:
    response = ApiClient(alice).client.get(f"{BASE}/docs")
    assert response.status_code == 200
