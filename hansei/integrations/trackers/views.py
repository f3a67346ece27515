"""The pages of trackers (a team's settings, the sync log) and the one webhook endpoint each
tracker's ``views.py`` makes its own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hansei.integrations.trackers import webhooks


def webhook_endpoint(kind: str) -> Callable[[HttpRequest, str], JsonResponse]:
    """The view taking ``kind``'s webhooks at /hooks/trackers/<kind>/<token>/."""

    @csrf_exempt
    def receive(request: HttpRequest, token: str) -> JsonResponse:
        if request.method != "POST":
            response = JsonResponse({"detail": _("Only POST is accepted here.")}, status=405)
            response["Allow"] = "POST"
            return response
        body = request.read(webhooks.MAX_BODY_BYTES + 1)
        answer = webhooks.receive(
            kind=kind,
            token=token,
            headers=request.headers,
            body=body,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
        return JsonResponse(
            {"detail": answer.detail, "outcome": answer.outcome}, status=answer.status
        )

    receive.__name__ = f"receive_{kind}"
    return receive
