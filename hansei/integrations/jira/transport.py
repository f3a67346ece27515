"""Jira's REST API: Jira Cloud's v3 (https://developer.atlassian.com/cloud/jira/platform/rest/v3/)
with an API token and the e-mail of its account (HTTP Basic), and Jira Data Center's v2
(https://docs.atlassian.com/software/jira/docs/api/REST/latest/) with a personal access
token (``Authorization: Bearer``). The token comes from the environment; the account is the
configuration's. The account needs "Browse projects", "Create issues", "Edit issues" and
"Transition issues" in the project."""

from __future__ import annotations

import base64
from typing import Any

from hansei.integrations.trackers.http import call, token_of
from hansei.integrations.trackers.models import TrackerConfig, TrackerKind

API_ROOTS = {TrackerKind.JIRA_CLOUD: "/rest/api/3", TrackerKind.JIRA_SERVER: "/rest/api/2"}


def api(
    config: TrackerConfig,
    method: str,
    path: str,
    payload: Any = None,
    params: dict[str, str] | None = None,
) -> Any:
    """Call ``path`` (``/issue/PROJ-42``) under the API root of the configuration's Jira."""
    url = f"{config.base_url}{API_ROOTS[TrackerKind(config.kind)]}{path}"
    return call(method, url, headers=auth_headers(config), payload=payload, params=params)


def auth_headers(config: TrackerConfig) -> dict[str, str]:
    token = token_of(config.token_variable)
    if config.kind == TrackerKind.JIRA_CLOUD:
        pair = f"{config.account.strip()}:{token}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    return {"Authorization": f"Bearer {token}"}
