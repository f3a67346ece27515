"""Who may see and do what. Every permission-checked read goes through this module.

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
* the owner of an action item sees and updates it, even outside the team;
* only admins read the audit log; nobody changes or deletes its entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from hansei.accounts.models import ApiToken, Team, User
    from hansei.action_items.models import ActionItem, ActionItemQuerySet
    from hansei.collab.models import CommentThread
    from hansei.incidents.models import Incident, IncidentQuerySet
    from hansei.notifications.models import Notification, NotificationQuerySet
    from hansei.postmortems.models import Postmortem, PostmortemQuerySet, Revision
    from hansei.reviews.models import Review, ReviewMeetingNote


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_member(user: User, team: Team | int | None) -> bool:
    team_id = team if isinstance(team, int) or team is None else team.pk
    return team_id is not None and team_id in user.team_ids()


def postmortems_visible_to(user: User, qs: PostmortemQuerySet | None = None) -> PostmortemQuerySet:
    from hansei.postmortems.models import Postmortem

    qs = qs if qs is not None else Postmortem.objects.all()
    if not _is_signed_in(user):
        return qs.none()
    if user.is_admin:
        return qs
    from hansei.reviews.models import Review

    reviewed = Review.objects.filter(reviewer=user).values("postmortem_id")
    return qs.filter(
        Q(team__in=user.team_ids())
        | Q(pk__in=reviewed)
        | Q(published_at__isnull=False, restricted=False)
    )


def incidents_visible_to(user: User, qs: IncidentQuerySet | None = None) -> IncidentQuerySet:
    from hansei.incidents.models import Incident

    qs = qs if qs is not None else Incident.objects.all()
    if not _is_signed_in(user):
        return qs.none()
    if user.is_admin:
        return qs
    from hansei.reviews.models import Review

    reviewed = Review.objects.filter(reviewer=user).values("postmortem_id")
    return qs.filter(
        Q(team__in=user.team_ids())
        | Q(postmortem__in=reviewed)
        | Q(postmortem__published_at__isnull=False, postmortem__restricted=False)
    )


def get_postmortem_for_user(user: User, pk: int | str) -> Postmortem:
    """The postmortem if ``user`` may read it; 404 otherwise (existence is not revealed)."""
    qs = postmortems_visible_to(user).select_related("team", "owner")
    return _get_or_404(qs, pk)


def get_incident_for_user(user: User, pk: int | str) -> Incident:
    """The incident if ``user`` may read it; 404 otherwise."""
    return _get_or_404(incidents_visible_to(user).select_related("team", "severity"), pk)


MAX_ID = 2**63 - 1  # the largest id a database column holds


def _get_or_404(qs: Any, pk: int | str) -> Any:
    try:
        number = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < number <= MAX_ID:
        raise Http404
    return get_object_or_404(qs, pk=number)


def can_view_postmortem(user: User, postmortem: Postmortem) -> bool:
    return postmortems_visible_to(user).filter(pk=postmortem.pk).exists()


def can_write_for_team(user: User, team: Team | int | None) -> bool:
    if not _is_signed_in(user) or not user.can_write:
        return False
    return user.is_admin or is_member(user, team)


def can_edit_postmortem(user: User, postmortem: Postmortem) -> bool:
    """May change content (sections, timeline, action items, notes) and submit for review."""
    return can_write_for_team(user, postmortem.team_id) or (
        _is_signed_in(user) and user.pk == postmortem.owner_id
    )


def can_read_live_content(user: User, postmortem: Postmortem) -> bool:
    """While an amendment is being written, its draft is for its writers and reviewers only;
    every other reader keeps reading the latest published revision."""
    if not postmortem.is_amendment:
        return True
    return (
        can_edit_postmortem(user, postmortem)
        or postmortem.reviews.filter(reviewer_id=user.pk).exists()
    )


def _live_readers_q(user: User, prefix: str = "") -> Q:
    """The rows (postmortems, or rows pointing at one through ``prefix``) whose live content
    ``user`` may read: the table-level form of ``can_read_live_content``."""
    from hansei.reviews.models import Review

    if user.is_admin:
        return Q()
    not_amended = Q(**{f"{prefix}published_at__isnull": True}) | Q(
        **{f"{prefix}status": "published"}
    )
    reviewed = Review.objects.filter(reviewer=user).values("postmortem_id")
    q = not_amended | Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}pk__in": reviewed})
    if user.can_write:
        q |= Q(**{f"{prefix}team__in": user.team_ids()})
    return q


def _latest_publication() -> Any:
    """When the postmortem of an ``OuterRef("postmortem")`` was last published."""
    from django.db.models import OuterRef, Subquery

    from hansei.postmortems.models import Revision

    latest = Revision.objects.filter(postmortem=OuterRef("postmortem")).order_by("-number")
    return Subquery(latest.values("published_at")[:1])


def _of_readable_postmortems(user: User, *, since: str) -> Q:
    """Rows (with a ``postmortem`` and a time field ``since``) of the postmortems ``user``
    may read; of one whose amendment they may not read, only the rows that already existed
    at its latest publication."""
    visible = postmortems_visible_to(user).values("pk")
    published = Q(**{f"{since}__lte": _latest_publication()})
    return Q(postmortem__in=visible) & (_live_readers_q(user, "postmortem__") | published)


def revision_shown_instead(user: User, postmortem: Postmortem) -> Revision | None:
    """The published revision ``user`` reads instead of the live content: the latest one,
    while an amendment they may not read is drafted. None: they read the live content."""
    if can_read_live_content(user, postmortem):
        return None
    return postmortem.latest_revision()


def title_shown_to(user: User, postmortem: Postmortem) -> str:
    """The title as ``user`` may read it: the published one while an amendment is drafted."""
    amended = postmortem.is_amendment and postmortem.published_title
    if amended and not can_read_live_content(user, postmortem):
        return postmortem.published_title
    return postmortem.title


def can_publish_postmortem(user: User, postmortem: Postmortem) -> bool:
    return can_edit_postmortem(user, postmortem)


def writers_of_team(team: Team | int) -> QuerySet[User]:
    """The people who may write for a team, and so own its postmortems: its members who are
    not reviewers, and every admin."""
    from hansei.accounts.models import Role, User

    team_id = team if isinstance(team, int) else team.pk
    members = User.objects.filter(is_active=True, memberships__team=team_id)
    admins = User.objects.filter(is_active=True, role=Role.ADMIN)
    return (members.exclude(role=Role.REVIEWER) | admins).distinct()


def teams_writable_by(user: User) -> QuerySet[Team]:
    """The teams ``user`` may record incidents for."""
    from hansei.accounts.models import Team

    if not _is_signed_in(user) or not user.can_write:
        return Team.objects.none()
    return Team.objects.all() if user.is_admin else Team.objects.filter(pk__in=user.team_ids())


def action_items_visible_to(user: User) -> ActionItemQuerySet:
    """Items of the postmortems ``user`` may read, and the items they own. While an amendment
    is drafted, readers outside it see the items that were published (tracked live), not the
    ones the draft added."""
    from hansei.action_items.models import ActionItem

    if not _is_signed_in(user):
        return ActionItem.objects.none()
    items = ActionItem.objects.all()
    if user.is_admin:
        return items
    return items.filter(_of_readable_postmortems(user, since="created_at") | Q(owner=user))


def get_action_item_for_user(user: User, item_id: int | str) -> ActionItem:
    """The action item if ``user`` may see it; 404 otherwise."""
    qs = action_items_visible_to(user).select_related("owner", "postmortem")
    item: ActionItem = _get_or_404(qs, item_id)
    return item


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Reviews of the postmortems ``user`` may read. While an amendment is drafted, readers
    outside it see the reviews decided up to the latest publication, not the draft's."""
    from hansei.reviews.models import Review

    if not _is_signed_in(user):
        return Review.objects.none()
    reviews = Review.objects.all()
    if user.is_admin:
        return reviews
    return reviews.filter(_of_readable_postmortems(user, since="requested_at"))


def get_review_for_user(user: User, review_id: int | str) -> Review:
    qs = reviews_visible_to(user).select_related("postmortem", "reviewer", "requested_by")
    review: Review = _get_or_404(qs, review_id)
    return review


def meeting_notes_visible_to(user: User, postmortem: Postmortem) -> QuerySet[ReviewMeetingNote]:
    """The review meeting notes of a postmortem ``user`` may read (notes are never changed
    once recorded): while an amendment is drafted, readers outside it see those recorded up to
    the latest publication."""
    notes = postmortem.meeting_notes.all()
    if not can_view_postmortem(user, postmortem):
        return notes.none()
    revision = revision_shown_instead(user, postmortem)
    if revision is not None:
        notes = notes.filter(recorded_at__lte=revision.published_at)
    return notes


def can_update_action_item(user: User, item: ActionItem) -> bool:
    """The postmortem's writers, and the item's own owner, keep an item up to date."""
    return can_edit_postmortem(user, item.postmortem) or (
        _is_signed_in(user) and item.owner_id == user.pk
    )


def can_revoke_api_token(user: User, token: ApiToken) -> bool:
    return _is_signed_in(user) and (token.user_id == user.pk or user.is_admin)


def get_api_token_for_user(user: User, pk: int | str) -> ApiToken:
    """A token ``user`` may revoke: their own, or anyone's for an admin; 404 otherwise."""
    from hansei.accounts.models import ApiToken

    tokens = ApiToken.objects.all() if can_administer(user) else ApiToken.objects.filter(user=user)
    token: ApiToken = _get_or_404(tokens.select_related("user"), pk)
    return token


def can_manage_incident(user: User, incident: Incident) -> bool:
    return can_write_for_team(user, incident.team_id)


def can_decide_review(user: User, review: Review) -> bool:
    return _is_signed_in(user) and review.reviewer_id == user.pk


def can_request_postmortem(user: User, incident: Incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()


def can_administer(user: User) -> bool:
    return _is_signed_in(user) and user.is_admin


def can_read_audit_log(user: User) -> bool:
    """The audit log (who signed in, changed roles, exported...) is for admins only."""
    return can_administer(user)


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless ``allowed``: the one way services refuse an actor."""
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))


def can_join_live_document(user: User, postmortem: Postmortem) -> bool:
    """May open the postmortem's live document (watch, see who is there): its team's
    writers, its reviewers and admins, while they may read its live content. Everyone else
    reads the rendered page or the published revision, never the socket."""
    if not _is_signed_in(user) or not can_read_live_content(user, postmortem):
        return False
    return (
        user.is_admin
        or is_member(user, postmortem.team_id)
        or can_edit_postmortem(user, postmortem)
        or postmortem.reviews.filter(reviewer_id=user.pk).exists()
    )


def can_edit_live_text(user: User, postmortem: Postmortem) -> bool:
    """May type into the live document now: someone who edits it, while it is a draft."""
    return postmortem.is_editable and can_edit_postmortem(user, postmortem)


def can_view_versions(user: User, postmortem: Postmortem) -> bool:
    """May see the draft's history (its automatic versions, which hold text review may have
    removed): the people who may open the live document (its team, reviewers and admins).
    Readers of the published postmortem outside them see the published revisions only."""
    return can_join_live_document(user, postmortem)


# --- comments and the inbox -----------------------------------------------------------------


def can_comment_on_postmortem(user: User, postmortem: Postmortem) -> bool:
    """Everyone who may read a postmortem may discuss it (a comment on the whole of it)."""
    return _is_signed_in(user) and can_view_postmortem(user, postmortem)


def can_comment_on_text(user: User, postmortem: Postmortem) -> bool:
    """Comments on a section or on its text quote the live text: only for its live readers."""
    return can_comment_on_postmortem(user, postmortem) and can_read_live_content(user, postmortem)


def comment_threads_visible_to(user: User, postmortem: Postmortem) -> QuerySet[CommentThread]:
    """The threads of ``postmortem`` that ``user`` may read. While an amendment is drafted,
    readers of the published revision see only threads on the whole postmortem: the others
    quote the draft."""
    from hansei.collab.models import CommentThread

    threads = CommentThread.objects.filter(postmortem=postmortem)
    if not can_comment_on_postmortem(user, postmortem):
        return threads.none()
    if not can_read_live_content(user, postmortem):
        return threads.filter(section_key="")
    return threads


def get_comment_thread_for_user(user: User, pk: int | str, thread_id: int | str) -> CommentThread:
    """The thread of postmortem ``pk`` if ``user`` may read it; 404 otherwise."""
    postmortem = get_postmortem_for_user(user, pk)
    thread: CommentThread = _get_or_404(comment_threads_visible_to(user, postmortem), thread_id)
    thread.postmortem = postmortem
    return thread


def can_view_comment_thread(user: User, thread: CommentThread) -> bool:
    """Whom a thread may be shown (or a mention of it sent): its postmortem's readers, and
    for a thread on the text, its live readers."""
    if thread.section_key:
        return can_comment_on_text(user, thread.postmortem)
    return can_comment_on_postmortem(user, thread.postmortem)


def can_resolve_comment_thread(user: User, thread: CommentThread) -> bool:
    """The thread's author, or anyone who edits the postmortem, resolves and reopens it."""
    if not can_view_comment_thread(user, thread):
        return False
    return thread.created_by_id == user.pk or can_edit_postmortem(user, thread.postmortem)


def notifications_visible_to(user: User) -> NotificationQuerySet:
    """``user``'s notifications about what they may still read."""
    from hansei.notifications.models import Notification

    if not _is_signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).filter(
        Q(postmortem__isnull=True) | Q(postmortem__in=postmortems_visible_to(user).values("pk"))
    )


def get_notification_for_user(user: User, pk: int | str) -> Notification:
    notification: Notification = _get_or_404(notifications_visible_to(user), pk)
    return notification


# --- the writing check (blameless language and quality) -------------------------------------


def can_view_lint_findings(user: User, postmortem: Postmortem) -> bool:
    """The writing check of a postmortem (its findings and their dismissals) is for the people
    who write or review it: its team's writers, its reviewers and admins, while they may read
    its live content. It quotes the draft, so readers of a published revision never see it."""
    return can_join_live_document(user, postmortem)


def can_dismiss_lint_finding(user: User, postmortem: Postmortem) -> bool:
    """Whoever may edit the postmortem dismisses (or restores) a finding, with a reason.
    Only while it is a draft (checked by the service): in review the reviewers judge it."""
    return can_edit_postmortem(user, postmortem) and can_view_lint_findings(user, postmortem)
