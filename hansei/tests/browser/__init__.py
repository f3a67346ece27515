"""Browser flows that cross apps (an incident to a published postmortem, imports, the
analysis cards, editing details, the content security policy), in one place. Flows inside
one app live in that app's tests (comments, live editing, history, the audit log)."""
