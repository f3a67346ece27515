"""Hansei as a Slack app: announcements to channels and direct messages (``transport``),
through one Web API client (``client``). Set up as the README's "Slack" section says."""
