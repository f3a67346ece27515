"""Insights: dashboards of incidents, the postmortem process, action items and writing, for a
team or the organisation over a period, computed over what the reader may see."""
