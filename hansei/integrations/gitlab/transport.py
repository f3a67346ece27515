"""GitLab's REST API v4 (https://docs.gitlab.com/api/issues/), on gitlab.com or a
self-managed instance, with a token from the environment: a project, group or personal
access token with the ``api`` scope and at least the Planner role on the project."""

from __future__ import annotations

from typing import Any

from hansei.integrations.trackers.http import call, token_of
from hansei.integrations.trackers.models import TrackerConfig


def api(config: TrackerConfig, method: str, path: str, payload: Any = None) -> Any:
    """One call to ``path`` (``/api/v4/...``) under the configuration's address, which may
    carry a relative root (``https://example.com/gitlab``)."""
    headers = {"PRIVATE-TOKEN": token_of(config.token_variable)}
    return call(method, f"{config.base_url.rstrip('/')}{path}", headers=headers, payload=payload)
