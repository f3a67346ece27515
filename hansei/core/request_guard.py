"""Input no handler should ever see, refused at the door with a 400 and a reason.

* a NUL character in any query or form value (PostgreSQL cannot store it in text);
* a query value longer than ``MAX_QUERY_VALUE`` characters (no filter or search needs one;
  SQLite refuses a LIKE pattern over 50,000 bytes);
* on the API (``/api/``), a request body that is not one JSON object, JSON nested deeper than
  ``MAX_DEPTH``, a string with a NUL or a lone surrogate (``"\\ud800"``: no database stores
  it), or an integer no database column holds.

The API's answer has the API's error shape; pages get a short plain-text 400. Nothing has
been read or written when this refuses a request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MAX_DEPTH = 32
MAX_QUERY_VALUE = 2000
MAX_INTEGER = 2**63 - 1
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
API_PREFIX = "/api/"


class BadInput(Exception):
    def __init__(self, message: str, field: str = "__all__") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_text(value: str, where: str) -> None:
    if "\x00" in value:
        raise BadInput(_("Text may not contain NUL characters."), where)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BadInput(_("Text may not contain unpaired surrogate characters."), where) from error


def check_json_value(value: Any, where: str = "", *, max_integer: int | None = MAX_INTEGER) -> None:
    """Walk a decoded JSON value without recursion; raise BadInput at the first bad part.
    ``max_integer=None`` lets integers of any size through (for payloads whose numbers a
    parser reads itself, such as a webhook's timestamps in nanoseconds)."""
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadInput(_("The JSON is nested too deeply."), path or "__all__")
        if isinstance(item, str):
            _check_text(item, path or "__all__")
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if max_integer is not None and abs(item) > max_integer:
                raise BadInput(_("The number is too large."), path or "__all__")
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                _check_text(str(key), child_path)
                stack.append((child, child_path, depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{path}.{index}" if path else str(index), depth + 1))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, checked; BadInput otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(_("The request body is not UTF-8.")) from error
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError as error:
        raise BadInput(_("The JSON is nested too deeply.")) from error
    except ValueError as error:  # JSONDecodeError, NaN/Infinity, ints beyond 4300 digits
        raise BadInput(_("The request body is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise BadInput(_("The request body must be a JSON object."))
    check_json_value(data)
    return data


def _check_query_and_form(request: HttpRequest) -> None:
    for source in (request.GET, request.POST):
        for key, values in source.lists():
            _check_text(key, key)
            for value in values:
                _check_text(value, key)
    for key, values in request.GET.lists():
        if len(key) > MAX_QUERY_VALUE or any(len(value) > MAX_QUERY_VALUE for value in values):
            raise BadInput(
                _("A query value is too long (at most %(n)s characters).") % {"n": MAX_QUERY_VALUE},
                key[:100],
            )


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        try:
            if api and request.method in BODY_METHODS and request.body:
                parse_json_object(request.body)  # the API reads every body as JSON
            _check_query_and_form(request)
        except RequestDataTooBig:
            bad = BadInput(_("The request body is too large."))
            return self._refuse(bad, api, status=413)
        except BadInput as bad:
            return self._refuse(bad, api)
        return self.get_response(request)

    @staticmethod
    def _refuse(bad: BadInput, api: bool, status: int = 400) -> HttpResponse:
        if api:
            body = {"detail": bad.message, "errors": {bad.field: [bad.message]}}
            return JsonResponse(body, status=status)
        return HttpResponse(bad.message, status=status, content_type="text/plain; charset=utf-8")
