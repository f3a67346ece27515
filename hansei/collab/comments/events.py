"""What can happen in a postmortem's discussions, announced to the apps above (``core.events``)."""

from __future__ import annotations

from hansei.core import events

COMMENT_POSTED = events.kind(
    "comment_posted",
    "A comment was posted, opening a thread or replying (object: the comment).",
    parts=("comments",),
)
THREAD_RESOLVED = events.kind(
    "thread_resolved", "A comment thread was resolved (object: the thread).", parts=("comments",)
)
THREAD_REOPENED = events.kind(
    "thread_reopened", "A comment thread was reopened (object: the thread).", parts=("comments",)
)
