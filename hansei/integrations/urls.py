from __future__ import annotations

from django.urls import path

from hansei.integrations import views
from hansei.integrations.github import views as github
from hansei.integrations.gitlab import views as gitlab
from hansei.integrations.jira import views as jira
from hansei.integrations.linear import views as linear
from hansei.integrations.slack import views as slack_views

app_name = "integrations"
urlpatterns = [
    # Slack's requests, signed by Slack; before the intake pattern, which would take them.
    path("slack/commands", slack_views.slash_command, name="slack_commands"),
    path("slack/interactions", slack_views.interaction, name="slack_interactions"),
    # Issue trackers' webhooks: an action item's issue changed.
    path("trackers/github/<slug:token>/", github.receive, name="tracker_github"),
    path("trackers/gitlab/<slug:token>/", gitlab.receive, name="tracker_gitlab"),
    path("trackers/jira_cloud/<slug:token>/", jira.receive_cloud, name="tracker_jira_cloud"),
    path("trackers/jira_server/<slug:token>/", jira.receive_server, name="tracker_jira_server"),
    path("trackers/linear/<slug:token>/", linear.receive, name="tracker_linear"),
    path("<slug:kind>/<slug:token>/", views.receive, name="receive"),
]
