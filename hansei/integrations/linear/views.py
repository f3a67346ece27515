"""Linear's webhook: POST /hooks/trackers/linear/<token>/, an ``Issue`` event signed with
``Linear-Signature``."""

from __future__ import annotations

from hansei.integrations.trackers.views import webhook_endpoint

receive = webhook_endpoint("linear")
