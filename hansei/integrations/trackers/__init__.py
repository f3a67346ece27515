"""Issue trackers (Jira, GitHub Issues, GitLab Issues, Linear): an action item becomes an issue
in its team's tracker, and the issue's state, assignee, due date and title come back.

Each tracker is a folder beside this one (``integrations/<tracker>/``: ``client.py`` speaks
its API through ``transport.py``, ``views.py`` takes its webhooks) that implements the small
protocol in ``protocol.py``; everything else (configuration, links, the sync log, the queue,
the conflict rule) is here, shared."""
