"""The intake endpoints: POST /hooks/<kind>/<token>/ with a JSON body."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hansei.integrations import services


@csrf_exempt
def receive(request: HttpRequest, kind: str, token: str) -> JsonResponse:
    if request.method != "POST":
        response = JsonResponse({"detail": _("Only POST is accepted here.")}, status=405)
        response["Allow"] = "POST"
        return response
    # Read one byte more than allowed: enough to know the body is too large, never more.
    body = request.read(services.MAX_BODY_BYTES + 1)
    answer = services.receive_delivery(
        kind=kind,
        token=token,
        headers=request.headers,
        body=body,
        remote_addr=request.META.get("REMOTE_ADDR") or None,
    )
    data: dict[str, object] = {"detail": answer.detail, "outcome": answer.outcome}
    if answer.incident_id is not None:
        data["incident"] = answer.incident_id
    return JsonResponse(data, status=answer.status)
