"""Jira's webhooks: POST /hooks/trackers/jira_cloud/<token>/ and
/hooks/trackers/jira_server/<token>/, ``jira:issue_*`` events. The URL's token is the
credential Jira Data Center can give; Jira Cloud also signs with the webhook's secret."""

from __future__ import annotations

from hansei.integrations.trackers.views import webhook_endpoint

receive_cloud = webhook_endpoint("jira_cloud")
receive_server = webhook_endpoint("jira_server")
