"""GitLab's webhook: POST /hooks/trackers/gitlab/<token>/, an "Issue Hook" carrying the
secret token in ``X-Gitlab-Token``."""

from __future__ import annotations

from hansei.integrations.trackers.views import webhook_endpoint

receive = webhook_endpoint("gitlab")
