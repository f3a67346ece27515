"""GitHub's webhook: POST /hooks/trackers/github/<token>/, an ``issues`` event signed with
``X-Hub-Signature-256``."""

from __future__ import annotations

from hansei.integrations.trackers.views import webhook_endpoint

receive = webhook_endpoint("github")
