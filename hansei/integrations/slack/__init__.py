"""Hansei as a Slack app: announcements to channels and direct messages (``transport``), the
``/hansei`` slash command (``commands``), the "Add to timeline" message shortcut
(``shortcuts``), and the endpoints Slack calls (``views``, verified by ``signing``, reading
input with ``inbound``), all through one Web API client (``client``). Set up as the README's
"Slack" section says."""
