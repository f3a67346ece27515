"""Every API error has the same body: ``{"detail": "...", "errors": {field: [messages]}}``.

Services raise Django's ``ValidationError`` (400), ``PermissionDenied`` (403) and
``InvalidState`` (409); reads that are not allowed raise ``Http404`` (never revealing that
the object exists). Ninja's own schema errors (422) and body parse errors (400) are reshaped
to the same form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from hansei.core.errors import InvalidState

NON_FIELD = "__all__"
# Ninja's error locations start with where the value came from and the parameter's name.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def _sentence(messages: Iterable[str]) -> str:
    return " ".join(m.strip() for m in messages if m.strip())


def _schema_field(loc: list[Any], param_names: set[str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in param_names:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD


def install_error_handlers(api: NinjaAPI, body_params: set[str]) -> None:
    """Register the handlers; ``body_params`` are the names endpoints give their JSON body."""

    @api.exception_handler(ValidationError)
    def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _field_errors(exc)
        detail = _sentence(m for messages in errors.values() for m in messages)
        return error_response(api, request, 400, detail or "The input is not valid.", errors)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or _("You do not have permission to do this.")
        return error_response(api, request, 403, detail)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "Not found.")

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "Not found.")

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(api, request, 400, "The request body is too large.")

    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value the database refuses (a number beyond its column): the service's
        # transaction was rolled back, nothing was written.
        return error_response(api, request, 400, _("A value is out of the range it may take."))

    @api.exception_handler(InvalidState)
    def conflict(request: HttpRequest, exc: InvalidState) -> HttpResponse:
        return error_response(api, request, 409, exc.message)

    @api.exception_handler(SchemaError)
    def schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = _schema_field(list(error.get("loc", [])), body_params)
            errors.setdefault(field, []).append(str(error.get("msg", "Invalid value.")))
        detail = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items())
        return error_response(api, request, 422, f"Invalid request: {detail}", errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="hansei"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return error_response(api, request, exc.status_code, detail)


# --- the contract: every error an operation can answer is in the OpenAPI document ------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": 'Messages per field ("__all__" for the request as a whole).',
        },
    },
    "required": ["detail", "errors"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_TEXTS = {
    400: "The input is not valid (a bad body, a NUL character, a rule a service enforces).",
    401: "Not signed in: send a bearer token or a session cookie.",
    403: "You may not do this (or the CSRF token is missing).",
    404: "Nothing by that id that you may see.",
    409: "Not allowed in the object's current state.",
    413: "The request body is too large.",
    422: "A parameter or a field of the body does not match this document.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _errors_of(method: str, operation: dict[str, Any]) -> list[int]:
    params = operation.get("parameters") or []
    # Any operation may be refused by a rule (403); one whose path or body names an object
    # may not find it (404); only writes can meet an object in the wrong state (409).
    codes = [400, 401, 403]
    if any(p.get("in") == "path" for p in params) or "requestBody" in operation:
        codes.append(404)
    if method in WRITE_METHODS:
        codes.append(409)
    if "requestBody" in operation:
        codes.append(413)
    if params or "requestBody" in operation:
        codes.append(422)
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers (with the one error shape) to every operation of ``schema``."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            documented = {str(code) for code in responses}
            for code in _errors_of(method, operation):
                if str(code) not in documented:
                    responses[code] = {
                        "description": ERROR_TEXTS[code],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    }
    return schema


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/ address no operation answers (an unknown path, a non-integer id): the API's
    404, not the HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
