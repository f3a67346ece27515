"""Is this request from Slack? Slack signs every request it sends with the app's signing secret:
``X-Slack-Signature: v0=<HMAC-SHA256 of "v0:<timestamp>:<body>">`` and
``X-Slack-Request-Timestamp``. A request is accepted only if the signature is right, the
timestamp is within five minutes of now, and the same signature was not accepted before (a
replay inside the window). The signatures seen are kept in Django's cache: shared by every
process when Redis is configured, per process otherwise.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from slack_sdk.signature import Clock, SignatureVerifier

WINDOW_SECONDS = 60 * 5


class _At(Clock):
    def __init__(self, now: float) -> None:
        self.at = now

    def now(self) -> float:
        return self.at


def is_signed_by_slack(body: bytes, headers: dict[str, str], *, now: float | None = None) -> bool:
    """True for a request Slack signed, recently, and that was not seen before."""
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get("x-slack-request-timestamp", "")
    signature = lowered.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if not signature.startswith("v0=") or len(signature) != 67:
        return False
    moment = time.time() if now is None else now
    if abs(moment - int(timestamp)) > WINDOW_SECONDS:
        return False
    verifier = SignatureVerifier(settings.HANSEI_SLACK_SIGNING_SECRET, clock=_At(moment))
    try:
        valid = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except UnicodeDecodeError:
        return False  # Slack sends UTF-8; anything else was not signed by it
    # Remembered a little longer than the window, so a replay meets it until it is too old.
    return valid and cache.add(f"hansei:slack-signature:{signature}", 1, WINDOW_SECONDS * 2 + 60)
