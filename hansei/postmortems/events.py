"""What can happen to a postmortem's document, announced to the apps above (``core.events``)."""

from __future__ import annotations

from hansei.core import events
from hansei.core.events import STATE_PARTS

POSTMORTEM_CREATED = events.kind("postmortem_created", "A postmortem draft was started.")
POSTMORTEM_UPDATED = events.kind(
    "postmortem_updated",
    "A postmortem's title, owner, due date or restriction changed.",
    parts=("status",),
)
SECTIONS_CHANGED = events.kind(
    "sections_changed",
    "A postmortem's text changed outside live editing (a form, the API, a restore).",
    parts=("sections",),
)
TIMELINE_CHANGED = events.kind(
    "timeline_changed", "A postmortem's timeline changed.", parts=("timeline",)
)
ANALYSIS_CHANGED = events.kind(
    "analysis_changed",
    "A postmortem's impact, contributing factors, why chains or incidents changed.",
    parts=("analysis",),
)
WRITING_CHECK_CHANGED = events.kind(
    "writing_check_changed",
    "A finding of the writing check was dismissed or restored.",
    parts=("review",),
)
POSTMORTEM_PUBLISHED = events.kind(
    "postmortem_published", "A postmortem was published (object: the revision).", parts=STATE_PARTS
)
AMENDMENT_STARTED = events.kind(
    "amendment_started", "A published postmortem was reopened to be amended.", parts=STATE_PARTS
)
LIVE_TEXT_WRITTEN = events.kind(
    "live_text_written",
    "Text was written into a postmortem's live document outside a live room (a form, the "
    "API, a restore): open rooms apply the stored update (object: its row).",
)
POSTMORTEM_DRAFTED_FOR_OWNER = events.kind(
    "postmortem_drafted_for_owner",
    "A draft was started without anyone asking (an alerting tool resolved an incident the "
    "policy says needs a postmortem) and given an owner by rule, who should be told.",
)
