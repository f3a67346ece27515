"""Who reads and writes a postmortem, and what a reader of an amended one sees."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from hansei.access.base import can_write_for_team, get_or_404, is_member, is_signed_in
from hansei.accounts.models import Role, User
from hansei.postmortems.document.models import Postmortem, PostmortemQuerySet, Revision
from hansei.reviews.models import Review


def readable_q(user: User, postmortem: str = "") -> Q:
    """The rows a signed-in user who is not an admin may read: their teams' rows, and rows of
    postmortems (reached through ``postmortem``) they review or that are published and not
    restricted. Incidents and postmortems share it: an incident is read with its postmortem."""
    reviewed = Review.objects.filter(reviewer=user).values("postmortem_id")
    return (
        Q(team__in=user.team_ids())
        | Q(**{f"{postmortem}pk__in": reviewed})
        | Q(**{f"{postmortem}published_at__isnull": False, f"{postmortem}restricted": False})
    )


def postmortems_visible_to(user: User, qs: PostmortemQuerySet | None = None) -> PostmortemQuerySet:
    qs = qs if qs is not None else Postmortem.objects.all()
    if not is_signed_in(user):
        return qs.none()
    return qs if user.is_admin else qs.filter(readable_q(user))


def get_postmortem_for_user(user: User, pk: int | str) -> Postmortem:
    """The postmortem if ``user`` may read it; 404 otherwise (existence is not revealed)."""
    qs = postmortems_visible_to(user).select_related("team", "owner")
    postmortem: Postmortem = get_or_404(qs, pk)
    return postmortem


def can_view_postmortem(user: User, postmortem: Postmortem) -> bool:
    return postmortems_visible_to(user).filter(pk=postmortem.pk).exists()


def readers_of_postmortem(postmortem: Postmortem) -> QuerySet[User]:
    """The active people who may read ``postmortem``: the table-level form of
    ``can_view_postmortem``, for telling many people at once."""
    people = User.objects.filter(is_active=True)
    if postmortem.published_at is not None and not postmortem.restricted:
        return people
    reviewers = Review.objects.filter(postmortem=postmortem).values("reviewer_id")
    return people.filter(
        Q(role=Role.ADMIN)
        | Q(is_superuser=True)
        | Q(memberships__team=postmortem.team_id)
        | Q(pk__in=reviewers)
    ).distinct()


def live_content_readers(postmortem: Postmortem) -> QuerySet[User]:
    """Of the readers of ``postmortem``, those who read its live content (the table-level
    form of ``can_read_live_content``): while an amendment is drafted, its writers and
    reviewers; everyone else reads the latest published revision."""
    readers = readers_of_postmortem(postmortem)
    if not postmortem.is_amendment:
        return readers
    reviewers = Review.objects.filter(postmortem=postmortem).values("reviewer_id")
    team_writers = Q(memberships__team=postmortem.team_id, role__in=[Role.ADMIN, Role.MEMBER])
    return readers.filter(
        Q(role=Role.ADMIN)
        | Q(is_superuser=True)
        | Q(pk=postmortem.owner_id)
        | Q(pk__in=reviewers)
        | team_writers
    ).distinct()


def can_edit_postmortem(user: User, postmortem: Postmortem) -> bool:
    """May change content (sections, timeline, action items, notes) and submit for review."""
    return can_write_for_team(user, postmortem.team_id) or (
        is_signed_in(user) and user.pk == postmortem.owner_id
    )


def can_publish_postmortem(user: User, postmortem: Postmortem) -> bool:
    return can_edit_postmortem(user, postmortem)


def can_read_live_content(user: User, postmortem: Postmortem) -> bool:
    """While an amendment is being written, its draft is for its writers and reviewers only;
    every other reader keeps reading the latest published revision."""
    if not postmortem.is_amendment:
        return True
    return (
        can_edit_postmortem(user, postmortem)
        or postmortem.reviews.filter(reviewer_id=user.pk).exists()
    )


def live_readers_q(user: User, prefix: str = "") -> Q:
    """The rows (postmortems, or rows pointing at one through ``prefix``) whose live content
    ``user`` may read: the table-level form of ``can_read_live_content``."""
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
    latest = Revision.objects.filter(postmortem=OuterRef("postmortem")).order_by("-number")
    return Subquery(latest.values("published_at")[:1])


def as_last_published(since: str) -> Q:
    """Rows (with a ``postmortem`` and a time field ``since``) that already existed at their
    postmortem's latest publication: what its published revision holds, never what a draft
    amendment added since."""
    return Q(**{f"{since}__lte": _latest_publication()})


def of_readable_postmortems(user: User, *, since: str) -> Q:
    """Rows (with a ``postmortem`` and a time field ``since``) of the postmortems ``user``
    may read; of one whose amendment they may not read, only the rows that already existed
    at its latest publication."""
    visible = postmortems_visible_to(user).values("pk")
    return Q(postmortem__in=visible) & (
        live_readers_q(user, "postmortem__") | as_last_published(since)
    )


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


def can_join_live_document(user: User, postmortem: Postmortem) -> bool:
    """May open the postmortem's live document (watch, see who is there): its team's
    writers, its reviewers and admins, while they may read its live content. Everyone else
    reads the rendered page or the published revision, never the socket."""
    if not is_signed_in(user) or not can_read_live_content(user, postmortem):
        return False
    return (
        user.is_admin
        or is_member(user, postmortem.team_id)
        or can_edit_postmortem(user, postmortem)
        or postmortem.reviews.filter(reviewer_id=user.pk).exists()
    )


def can_change_draft(user: User, postmortem: Postmortem) -> bool:
    """May change the draft now (type into its live document, its timeline, action items and
    analysis): someone who edits it, while it is a draft. The services' guard
    (``postmortems.guard``) says why not, when not."""
    return postmortem.is_editable and can_edit_postmortem(user, postmortem)


def can_view_versions(user: User, postmortem: Postmortem) -> bool:
    """May see the draft's history (its automatic versions, which hold text review may have
    removed): the people who may open the live document (its team, reviewers and admins).
    Readers of the published postmortem outside them see the published revisions only."""
    return can_join_live_document(user, postmortem)


def can_view_lint_findings(user: User, postmortem: Postmortem) -> bool:
    """The writing check of a postmortem (its findings and their dismissals) is for the people
    who write or review it: its team's writers, its reviewers and admins, while they may read
    its live content. It quotes the draft, so readers of a published revision never see it."""
    return can_join_live_document(user, postmortem)


def can_dismiss_lint_finding(user: User, postmortem: Postmortem) -> bool:
    """Whoever may edit the postmortem dismisses (or restores) a finding, with a reason.
    Only while it is a draft (checked by the service): in review the reviewers judge it."""
    return can_edit_postmortem(user, postmortem) and can_view_lint_findings(user, postmortem)
