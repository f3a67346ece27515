from __future__ import annotations

from django.urls import path

from hansei.integrations import views
from hansei.integrations.slack import views as slack_views

app_name = "integrations"
urlpatterns = [
    # Slack's requests, signed by Slack; before the intake pattern, which would take them.
    path("slack/commands", slack_views.slash_command, name="slack_commands"),
    path("slack/interactions", slack_views.interaction, name="slack_interactions"),
    path("<slug:kind>/<slug:token>/", views.receive, name="receive"),
]
