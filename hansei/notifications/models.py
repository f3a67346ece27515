from __future__ import annotations

# Notifications are sent as background jobs (hansei.core.models.Job); the in-app inbox and
# subscriptions will live here.
