"""Which client speaks for which tracker. A new tracker: copy a folder, add a line here and
a choice to ``TrackerKind``."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from hansei.integrations.trackers.protocol import Tracker

CLIENTS: dict[str, str] = {
    "github": "hansei.integrations.github.client.GitHub",
    "gitlab": "hansei.integrations.gitlab.client.GitLab",
    "jira_cloud": "hansei.integrations.jira.client.JiraCloud",
    "jira_server": "hansei.integrations.jira.client.JiraServer",
    "linear": "hansei.integrations.linear.client.Linear",
}


@cache
def tracker_for(kind: str) -> Tracker:
    """The client of ``kind``; KeyError for a kind nobody wrote."""
    tracker: Tracker = import_string(CLIENTS[kind])()
    return tracker
