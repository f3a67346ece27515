"""The rulebook: who may see and do what. Every permission-checked read goes through it.

Rules, one per line in each function:

* admins see and manage everything;
* a team's members see the team's incidents and postmortems; writers (admins, members) edit them;
* a reviewer named on a postmortem reads it (and its incidents) even outside the team;
* everyone signed in reads published postmortems that are not restricted, and their incidents;
* while a published postmortem is amended, only its writers and reviewers read the draft;
  everyone else reads the latest published revision: its text, title, analysis, timeline and
  meeting notes as published, its reviews up to that publication, and of its action items
  those published (they are tracked live), never the ones the draft added;
* the draft's history (automatic versions) is for its team, its reviewers and admins: readers
  of a published postmortem outside them see only the published revisions;
* a postmortem's owner is an active writer of its team;
* the owner of an action item sees and updates it, even outside the team, on pages and in the API;
* a postmortem's customer version is read by its readers and written, published and shared
  by its writers; a second person approves it (an admin, a reviewer or a team writer, never
  the one who submitted it); its public address is read by anyone who has it;
* culture programs: everyone signed in nominates a published postmortem everyone may read,
  votes once per round and thanks a postmortem's writers or reviewers; nominations, winners
  and kudos are seen by the postmortem's readers; admins set the voting window; a
  postmortem's process survey asks those who took part, who answer once (anonymously if they
  choose); its figures are everyone's, what people would change its team's leads' and admins';
  everyone signed in keeps the reading club's lists and sessions, whose facilitator (or whoever
  scheduled it, or an admin) runs it; a postmortem on a list is shown to its readers only;
  the monthly meeting pack is everyone's and holds only published, unrestricted postmortems
  as last published; the leaders' view is for admins and team leads; a drill is read by its
  postmortem's readers, and only its game master sees its answer key and hidden cards;
* only admins read the audit log; nobody changes or deletes its entries;
* a team's leads and admins set up where its action items become tracker issues; only admins
  choose the tracker's address and token, and read every team's sync log.

The rules read every app's models, so the rulebook sits above the models and below the
services: models never import it, and it imports nothing but models (one module per domain,
all of them named here, so callers write ``from hansei import access`` and ``access.can_...``).
"""

from __future__ import annotations

from hansei.access.action_items import (
    action_items_visible_to,
    can_update_action_item,
    get_action_item_for_user,
    readers_of_action_item,
)
from hansei.access.base import (
    can_administer,
    can_delete_records,
    can_own_postmortems_of,
    can_write_for_team,
    get_or_404,
    is_member,
    is_signed_in,
    owns,
    require,
)
from hansei.access.comments import (
    can_comment_on_postmortem,
    can_comment_on_text,
    can_resolve_comment_thread,
    can_view_comment_thread,
    comment_threads_visible_to,
    get_comment_thread_for_user,
    people_to_mention,
)
from hansei.access.culture import (
    can_create_drill,
    can_delete_session_comment,
    can_join_reading_club,
    can_nominate,
    can_play,
    can_read_feedback_text,
    can_read_leaders_view,
    can_read_meeting_pack,
    can_read_together,
    can_remove_reading,
    can_run_session,
    can_set_voting_window,
    can_thank,
    can_vote,
    drills_visible_to,
    get_drill_card_for_user,
    get_drill_for_user,
    get_drill_question_for_user,
    get_nomination_for_user,
    get_reading_for_user,
    get_reading_list_for_user,
    get_reading_session_comment_for_user,
    get_reading_session_for_user,
    get_survey_for_user,
    is_game_master,
    is_invited_to_survey,
    kudos_visible_to,
    meeting_pack_action_items,
    meeting_pack_postmortems,
    nominations_visible_to,
    reading_lists_visible_to,
    reading_sessions_visible_to,
    readings_visible_to,
    rounds_visible_to,
    survey_participants,
    surveys_of,
    thankable_for,
)
from hansei.access.customer import can_approve_customer_report, can_write_customer_report
from hansei.access.incidents import (
    can_manage_incident,
    can_record_incidents,
    can_request_postmortem,
    get_incident_for_user,
    incidents_visible_to,
)
from hansei.access.notifications import (
    can_ask_team_to_read,
    get_notification_for_user,
    notifications_visible_to,
)
from hansei.access.people import (
    can_read_audit_log,
    can_revoke_api_token,
    get_api_token_for_user,
    teams_writable_by,
    writers_of_team,
)
from hansei.access.postmortems import (
    can_change_draft,
    can_dismiss_lint_finding,
    can_edit_postmortem,
    can_join_live_document,
    can_publish_postmortem,
    can_read_live_content,
    can_view_lint_findings,
    can_view_postmortem,
    can_view_versions,
    get_postmortem_for_user,
    live_content_readers,
    live_readers_q,
    postmortems_visible_to,
    readers_of_postmortem,
    revision_shown_instead,
    title_shown_to,
)
from hansei.access.reviews import (
    can_decide_review,
    get_review_for_user,
    get_review_meeting_for_user,
    meeting_notes_visible_to,
    meetings_visible_to,
    reviews_visible_to,
)
from hansei.access.trackers import (
    can_configure_tracker,
    can_connect_tracker,
    is_lead_of,
    teams_with_tracker_settings,
    tracker_events_visible_to,
)

__all__ = [
    "action_items_visible_to",
    "can_administer",
    "can_approve_customer_report",
    "can_ask_team_to_read",
    "can_change_draft",
    "can_comment_on_postmortem",
    "can_comment_on_text",
    "can_configure_tracker",
    "can_connect_tracker",
    "can_create_drill",
    "can_decide_review",
    "can_delete_records",
    "can_delete_session_comment",
    "can_dismiss_lint_finding",
    "can_edit_postmortem",
    "can_join_live_document",
    "can_join_reading_club",
    "can_manage_incident",
    "can_nominate",
    "can_own_postmortems_of",
    "can_play",
    "can_publish_postmortem",
    "can_read_audit_log",
    "can_read_feedback_text",
    "can_read_leaders_view",
    "can_read_live_content",
    "can_read_meeting_pack",
    "can_read_together",
    "can_record_incidents",
    "can_remove_reading",
    "can_request_postmortem",
    "can_resolve_comment_thread",
    "can_revoke_api_token",
    "can_run_session",
    "can_set_voting_window",
    "can_thank",
    "can_update_action_item",
    "can_view_comment_thread",
    "can_view_lint_findings",
    "can_view_postmortem",
    "can_view_versions",
    "can_vote",
    "can_write_customer_report",
    "can_write_for_team",
    "comment_threads_visible_to",
    "drills_visible_to",
    "get_action_item_for_user",
    "get_api_token_for_user",
    "get_comment_thread_for_user",
    "get_drill_card_for_user",
    "get_drill_for_user",
    "get_drill_question_for_user",
    "get_incident_for_user",
    "get_nomination_for_user",
    "get_notification_for_user",
    "get_or_404",
    "get_postmortem_for_user",
    "get_reading_for_user",
    "get_reading_list_for_user",
    "get_reading_session_comment_for_user",
    "get_reading_session_for_user",
    "get_review_for_user",
    "get_review_meeting_for_user",
    "get_survey_for_user",
    "incidents_visible_to",
    "is_game_master",
    "is_invited_to_survey",
    "is_lead_of",
    "is_member",
    "is_signed_in",
    "kudos_visible_to",
    "live_content_readers",
    "live_readers_q",
    "meeting_notes_visible_to",
    "meeting_pack_action_items",
    "meeting_pack_postmortems",
    "meetings_visible_to",
    "nominations_visible_to",
    "notifications_visible_to",
    "owns",
    "people_to_mention",
    "postmortems_visible_to",
    "readers_of_action_item",
    "readers_of_postmortem",
    "reading_lists_visible_to",
    "reading_sessions_visible_to",
    "readings_visible_to",
    "require",
    "reviews_visible_to",
    "revision_shown_instead",
    "rounds_visible_to",
    "survey_participants",
    "surveys_of",
    "teams_with_tracker_settings",
    "teams_writable_by",
    "thankable_for",
    "title_shown_to",
    "tracker_events_visible_to",
    "writers_of_team",
]
