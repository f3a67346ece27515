"""GitHub's REST API (https://docs.github.com/rest), with a token from the environment:
a fine-grained personal access token or a GitHub App installation token with "Issues: read
and write" on the repository."""

from __future__ import annotations

from typing import Any

from hansei.integrations.trackers.http import call, token_of
from hansei.integrations.trackers.models import TrackerConfig

API_VERSION = "2022-11-28"


def api(config: TrackerConfig, method: str, path: str, payload: Any = None) -> Any:
    headers = {
        "Authorization": f"Bearer {token_of(config.token_variable)}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
    }
    return call(method, f"{config.base_url}{path}", headers=headers, payload=payload)
