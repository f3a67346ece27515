"""Slack's requests to Hansei: POST /hooks/slack/commands (``/hansei``) and
POST /hooks/slack/interactions (the "Add to timeline" shortcut and its form).

Both are refused (404) while Slack is not set up, and refused (401) with no side effect unless
Slack signed the request (see ``signing``). Slack gives an app three seconds to answer; every
answer here is made from one or two Web API calls and a query. Bad input of any shape gets a
4xx or a helpful message, never a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qs

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hansei.integrations.slack import commands, shortcuts
from hansei.integrations.slack.client import hansei_user_for, slack_is_configured, unlinked_text
from hansei.integrations.slack.inbound import clean, dig
from hansei.integrations.slack.signing import is_signed_by_slack
from hansei.integrations.transport import TransportError

log = logging.getLogger(__name__)

# A slash command is a short form; an interaction carries the whole message it was used on.
MAX_BODY_BYTES = 512 * 1024
MAX_COMMAND_TEXT = 1000


def _refusal(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _signed_form(request: HttpRequest) -> dict[str, str] | JsonResponse:
    """The request's form fields if Slack signed it; the refusal otherwise."""
    if not slack_is_configured():
        return _refusal(404, _("Slack is not set up on this Hansei."))
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _refusal(413, _("The request is too large."))
    if not is_signed_by_slack(body, dict(request.headers)):
        return _refusal(401, _("The request is not signed by Slack, or is too old."))
    try:
        # Decodes: the signature check refused anything that is not UTF-8.
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
    except ValueError:
        return _refusal(400, _("The request has too many fields."))
    return {name: clean(values[0], MAX_BODY_BYTES) for name, values in fields.items()}


def from_slack(
    view: Callable[[dict[str, str]], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A POST endpoint Slack calls: the view is given the signed request's form fields."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def endpoint(request: HttpRequest) -> HttpResponse:
        form = _signed_form(request)
        return form if isinstance(form, JsonResponse) else view(form)

    return endpoint


@from_slack
def slash_command(form: dict[str, str]) -> HttpResponse:
    text = form.get("text", "")
    if len(text) > MAX_COMMAND_TEXT:
        return JsonResponse(commands.answer(_("That is too long for /hansei.")))
    try:
        user = hansei_user_for(form.get("user_id", ""))
    except TransportError as error:
        log.warning("Slack did not say who used /hansei: %s", error)
        if error.permanent:  # the app's token or scopes: an admin's to fix
            sorry = _("Hansei cannot ask Slack who you are: an admin must check the Slack app.")
        else:
            sorry = _("Slack did not say who you are; try again.")
        return JsonResponse(commands.answer(sorry))
    if user is None:
        return JsonResponse(commands.answer(unlinked_text()))
    return JsonResponse(commands.run_command(user, text))


@from_slack
def interaction(form: dict[str, str]) -> HttpResponse:
    try:
        payload: Any = json.loads(form.get("payload", ""))
    except (json.JSONDecodeError, RecursionError):
        return _refusal(400, _("The payload is not JSON."))
    if not isinstance(payload, dict):
        return _refusal(400, _("The payload is not a JSON object."))
    kind = payload.get("type")
    try:
        if kind == "message_action" and payload.get("callback_id") == shortcuts.CALLBACK_ID:
            shortcuts.open_modal(payload)
            return HttpResponse(status=200)
        callback = dig(payload, "view", "callback_id")
        if kind == "view_submission" and callback == shortcuts.CALLBACK_ID:
            return JsonResponse(shortcuts.submit(payload))
    except TransportError as error:
        # Slack shows the person an error of its own when an answer is not a 200.
        log.warning("Slack failed during an interaction: %s", error)
        return _refusal(503, _("Slack could not be reached; try again."))
    # Other interactions (a closed modal, a shortcut of another app) need no answer.
    return HttpResponse(status=200)
