"""Who takes part in the culture programs, and what of them each person sees.

* everyone signed in nominates a published, unrestricted postmortem they may read for its
  month's award (it is announced to the whole organisation), and votes once per round;
* admins set a round's voting window;
* nominations, votes' counts and winners are seen by those who may read the postmortem;
* everyone signed in thanks someone for a postmortem they may read: its owner, whoever
  started it or wrote its timeline for the writing, one of its reviewers for a review,
  never themselves;
* a kudos is seen by those who may read its postmortem, on the postmortem and the person's
  page alike;
* a postmortem's process survey asks those who took part and may read it: its owner,
  whoever started it, its reviewers, its incidents' commanders and responders, and who
  wrote its timeline; only they answer it, once, and only while they may still read it;
* everyone signed in sees the feedback's figures (per team and quarter, never per answer);
  what people would change is read by admins and the team's leads;
* everyone signed in reads the reading club, keeps its lists (adds a published, unrestricted
  postmortem they may read, or an outside postmortem by link), schedules sessions, says
  whether they are coming and joins a session's discussion; a postmortem on a list is shown
  only to those who may read it;
* a reading taken off its list by whoever added it, the list's keeper or an admin; a session
  changed, cancelled, given its notes and attendance by its facilitator, whoever scheduled it
  or an admin; a comment deleted by its author or an admin.
* everyone signed in reads the monthly meeting pack: only published postmortems that are not
  restricted (it is shown in a room), as last published, and of their action items those
  published (never what a draft amendment added);
* admins and team leads read the leaders' view; each of its lists holds only what the
  viewer may read, and its participation figures are counts (never who voted for what,
  never an answer).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hansei.access.base import can_administer, get_or_404, is_signed_in
from hansei.access.postmortems import (
    as_last_published,
    can_view_postmortem,
    postmortems_visible_to,
    readers_of_postmortem,
)
from hansei.accounts.models import Membership, User
from hansei.action_items.models import ActionItem
from hansei.culture.awards.models import AwardRound, Nomination
from hansei.culture.drills.models import Drill, DrillCard, DrillQuestion
from hansei.culture.feedback.models import Survey
from hansei.culture.kudos.models import Kudos, KudosFor
from hansei.culture.reading.models import (
    Reading,
    ReadingList,
    ReadingSession,
    SessionComment,
)
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem, PostmortemQuerySet
from hansei.postmortems.timeline.models import TimelineEntry
from hansei.reviews.models import Review


def can_nominate(user: User, postmortem: Postmortem) -> bool:
    return (
        is_signed_in(user)
        and postmortem.published_at is not None
        and not postmortem.restricted
        and can_view_postmortem(user, postmortem)
    )


def can_vote(user: User) -> bool:
    return is_signed_in(user)


def can_set_voting_window(user: User) -> bool:
    return can_administer(user)


def nominations_visible_to(user: User) -> QuerySet[Nomination]:
    readable = postmortems_visible_to(user).values("pk")
    return Nomination.objects.filter(postmortem__in=readable)


def get_nomination_for_user(user: User, pk: int | str) -> Nomination:
    """The nomination if ``user`` may read its postmortem; 404 otherwise."""
    found: Nomination = get_or_404(nominations_visible_to(user).select_related("round"), pk)
    return found


def rounds_visible_to(user: User) -> QuerySet[AwardRound]:
    return AwardRound.objects.all() if is_signed_in(user) else AwardRound.objects.none()


def can_thank(user: User, postmortem: Postmortem) -> bool:
    return is_signed_in(user) and can_view_postmortem(user, postmortem)


def thankable_for(postmortem: Postmortem, kind: str) -> QuerySet[User]:
    """Who may be thanked: for the writing, its owner and whoever started it or wrote its
    timeline; for a review, its reviewers."""
    people = User.objects.filter(is_active=True)
    if kind == KudosFor.REVIEW:
        return people.filter(pk__in=Review.objects.filter(postmortem=postmortem).values("reviewer"))
    writers = TimelineEntry.objects.filter(postmortem=postmortem).values("created_by")
    return people.filter(
        Q(pk=postmortem.owner_id) | Q(pk=postmortem.created_by_id) | Q(pk__in=writers)
    )


def survey_participants(postmortem: Postmortem) -> QuerySet[User]:
    incidents = Incident.objects.filter(postmortem=postmortem)
    took_part = (
        Q(pk=postmortem.owner_id)
        | Q(pk=postmortem.created_by_id)
        | Q(pk__in=Review.objects.filter(postmortem=postmortem).values("reviewer"))
        | Q(pk__in=incidents.values("commander"))
        | Q(pk__in=incidents.values("responders"))
        | Q(pk__in=TimelineEntry.objects.filter(postmortem=postmortem).values("created_by"))
    )
    # A responder from another team does not read a restricted postmortem: not even its title
    # reaches them through the survey.
    return readers_of_postmortem(postmortem).filter(took_part).order_by("pk")


def is_invited_to_survey(user: User, survey: Survey) -> bool:
    return surveys_of(user).filter(pk=survey.pk).exists()


def surveys_of(user: User) -> QuerySet[Survey]:
    """The surveys ``user`` is asked to answer, of postmortems they may still read."""
    if not is_signed_in(user):
        return Survey.objects.none()
    readable = postmortems_visible_to(user).values("pk")
    return Survey.objects.filter(invitations__user=user, postmortem__in=readable)


def get_survey_for_user(user: User, pk: int | str) -> Survey:
    """A survey asked of ``user``; 404 for any other (its existence is not revealed)."""
    found: Survey = get_or_404(surveys_of(user).select_related("postmortem", "team"), pk)
    return found


def can_read_feedback_text(user: User, team_id: int) -> bool:
    return can_administer(user) or (
        is_signed_in(user)
        and Membership.objects.filter(user=user, team_id=team_id, is_lead=True).exists()
    )


def kudos_visible_to(user: User) -> QuerySet[Kudos]:
    readable = postmortems_visible_to(user).values("pk")
    return Kudos.objects.filter(postmortem__in=readable)


def can_join_reading_club(user: User) -> bool:
    return is_signed_in(user)


def can_read_together(user: User, postmortem: Postmortem) -> bool:
    """May put ``postmortem`` on a reading list (the whole club reads it)."""
    return can_nominate(user, postmortem)


def readings_visible_to(user: User) -> QuerySet[Reading]:
    if not is_signed_in(user):
        return Reading.objects.none()
    readable = postmortems_visible_to(user).values("pk")
    return Reading.objects.filter(Q(postmortem__isnull=True) | Q(postmortem__in=readable))


def reading_lists_visible_to(user: User) -> QuerySet[ReadingList]:
    return ReadingList.objects.all() if is_signed_in(user) else ReadingList.objects.none()


def get_reading_list_for_user(user: User, pk: int | str) -> ReadingList:
    found: ReadingList = get_or_404(reading_lists_visible_to(user), pk)
    return found


def get_reading_for_user(user: User, pk: int | str) -> Reading:
    found: Reading = get_or_404(readings_visible_to(user).select_related("reading_list"), pk)
    return found


def can_remove_reading(user: User, reading: Reading) -> bool:
    return can_administer(user) or (
        is_signed_in(user) and user.pk in (reading.added_by_id, reading.reading_list.created_by_id)
    )


def reading_sessions_visible_to(user: User) -> QuerySet[ReadingSession]:
    return ReadingSession.objects.all() if is_signed_in(user) else ReadingSession.objects.none()


def get_reading_session_for_user(user: User, pk: int | str) -> ReadingSession:
    found: ReadingSession = get_or_404(
        reading_sessions_visible_to(user).select_related("facilitator"), pk
    )
    return found


def can_run_session(user: User, session: ReadingSession) -> bool:
    return can_administer(user) or (
        is_signed_in(user) and user.pk in (session.facilitator_id, session.created_by_id)
    )


def can_delete_session_comment(user: User, comment: SessionComment) -> bool:
    return can_administer(user) or (is_signed_in(user) and comment.author_id == user.pk)


def get_reading_session_comment_for_user(user: User, pk: int | str) -> SessionComment:
    comments = SessionComment.objects.all() if is_signed_in(user) else SessionComment.objects.none()
    found: SessionComment = get_or_404(comments.select_related("session"), pk)
    return found


def can_read_meeting_pack(user: User) -> bool:
    return is_signed_in(user)


def meeting_pack_postmortems(user: User) -> PostmortemQuerySet:
    """What a meeting pack may hold: published postmortems that are not restricted (the pack
    is shown in a room, to whoever is in it), whoever asks for it."""
    if not can_read_meeting_pack(user):
        return Postmortem.objects.none()
    return postmortems_visible_to(user).filter(published_at__isnull=False, restricted=False)


def meeting_pack_action_items(user: User) -> QuerySet[ActionItem]:
    """The action items of the pack's postmortems as published: an item a draft amendment
    added is not in a published revision yet, so not in the pack either."""
    pack = meeting_pack_postmortems(user).values("pk")
    return ActionItem.objects.filter(as_last_published("created_at"), postmortem__in=pack)


def can_read_leaders_view(user: User) -> bool:
    return can_administer(user) or (
        is_signed_in(user) and Membership.objects.filter(user=user, is_lead=True).exists()
    )


def can_create_drill(user: User, postmortem: Postmortem) -> bool:
    """Writes a Wheel of Misfortune drill from it: anyone who may read it, once published."""
    return (
        is_signed_in(user)
        and postmortem.published_at is not None
        and can_view_postmortem(user, postmortem)
    )


def drills_visible_to(user: User) -> QuerySet[Drill]:
    """A drill is read by those who may read its postmortem."""
    readable = postmortems_visible_to(user).values("pk")
    return Drill.objects.filter(postmortem__in=readable)


def get_drill_for_user(user: User, pk: int | str) -> Drill:
    found: Drill = get_or_404(drills_visible_to(user).select_related("game_master"), pk)
    return found


def get_drill_question_for_user(user: User, pk: int | str) -> DrillQuestion:
    """A question of a drill ``user`` may read (only the game master changes one)."""
    questions = DrillQuestion.objects.filter(drill__in=drills_visible_to(user).values("pk"))
    found: DrillQuestion = get_or_404(questions.select_related("drill"), pk)
    return found


def get_drill_card_for_user(user: User, pk: int | str) -> DrillCard:
    """A card of a drill ``user`` may read (whether they may see its text is
    ``drills.queries.visible_cards``'s business; only the game master acts on a card)."""
    cards = DrillCard.objects.filter(drill__in=drills_visible_to(user).values("pk"))
    found: DrillCard = get_or_404(cards.select_related("drill"), pk)
    return found


def is_game_master(user: User, drill: Drill) -> bool:
    """Holds the answer key and reveals the cards: the drill's game master alone (an admin
    playing must not be shown the answers by their role)."""
    return is_signed_in(user) and drill.game_master_id == user.pk


def can_play(user: User, drill: Drill) -> bool:
    return (
        is_signed_in(user)
        and not is_game_master(user, drill)
        and drills_visible_to(user).filter(pk=drill.pk).exists()
    )
