"""Read-only questions about comments: whom a comment mentions, whom it could not tell, and
whom to suggest while someone types a mention."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim

from hansei import access
from hansei.accounts.models import Membership, User, normalize_username
from hansei.collab.comments.models import Comment, CommentThread
from hansei.postmortems.document.models import Postmortem

# "@name" not preceded by a name character (so "alice@example.com" mentions nobody).
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]+)")
MAX_MENTIONS = 20
MAX_SUGGESTIONS = 8
# A typed name matches the start of any of these, or of a word in them (after one of WORD_BREAKS).
NAME_FIELDS = ("username", "display_name", "first_name", "last_name")
WORD_BREAKS = (" ", "\u3000", ".", "_", "-")  # \u3000: the ideographic space of Japanese names


def mentioned_usernames(body: str) -> list[str]:
    """The names written as ``@name`` in ``body``, in order, each once; a name followed by
    punctuation ("@bob.") is also tried without it."""
    names: list[str] = []
    for match in MENTION.finditer(body):
        for name in (match.group(1), match.group(1).rstrip(".+-")):
            if name and name.lower() not in (n.lower() for n in names):
                names.append(name)
    return names[: MAX_MENTIONS * 2]


def mentioned_people(body: str) -> QuerySet[User]:
    """The active people ``body`` mentions (whoever they are: callers check who may read)."""
    names = mentioned_usernames(body)
    if not names:
        return User.objects.none()
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    return User.objects.filter(wanted, is_active=True)


def mentioned_but_not_told(comment: Comment) -> list[str]:
    """The usernames ``comment`` mentions of active people who may not read its thread, so
    were not told: its writer hears of them at once rather than wondering why nobody answers.
    (Names that are nobody's are left alone: "@here" or an address is not a mistake.)"""
    told = set(comment.mentions.values_list("pk", flat=True))
    people = mentioned_people(comment.body)
    if comment.author_id is not None:
        people = people.exclude(pk=comment.author_id)
    return sorted(
        user.username
        for user in people.order_by("username")[:MAX_MENTIONS]
        if user.pk not in told and not access.can_view_comment_thread(user, comment.thread)
    )


def _names_starting_with(typed: str) -> Q:
    """People one of whose names, or a word in one, starts with ``typed`` (any case):
    "sato" finds "Ken Sato" and "ken.sato", "太郎" finds "山田　太郎"."""
    matches = Q()
    for field in NAME_FIELDS:
        matches |= Q(**{f"{field}__istartswith": typed})
        for word_break in WORD_BREAKS:
            matches |= Q(**{f"{field}__icontains": word_break + typed})
    return matches


def _spellings(typed: str) -> set[str]:
    """What was typed, and its compatibility form (fullwidth "ｐｒ" is "pr", halfwidth "ﾀﾛｳ"
    is "タロウ"), as usernames are stored."""
    typed = typed.strip().lstrip("@")
    return {s for s in (typed, unicodedata.normalize("NFKC", typed).strip()) if s}


def mentionable_people(
    *,
    actor: User,
    postmortem: Postmortem,
    typed: str = "",
    thread: CommentThread | None = None,
    on_text: bool = False,
) -> list[User]:
    """The people to suggest while ``actor`` types ``@typed`` in a comment on ``postmortem``
    (a reply in ``thread``, or a new thread, on the text if ``on_text``): at most
    MAX_SUGGESTIONS of those the comment would tell (``access.people_to_mention``), whose
    username, display name, first or last name (or a word in one) starts with ``typed``.
    The exact username first, then the postmortem's team, then by name. Nothing typed: the
    first of them, so the team. Never ``actor`` (a mention of oneself tells nobody), never a
    username the mention syntax cannot spell ("@bob@corp" would mention "bob"). A fixed
    number of queries, however many people there are."""
    if thread is not None:
        on_text = bool(thread.section_key)
    people = access.people_to_mention(actor, postmortem, on_text=on_text)
    spellings = _spellings(typed)
    wanted = Q()
    for spelling in spellings:
        wanted |= _names_starting_with(spelling)
    exact = Q(username__in=[normalize_username(s) for s in spellings]) if spellings else Q(pk=None)
    in_team = Membership.objects.filter(team=postmortem.team_id, user=OuterRef("pk"))
    full_name = NullIf(Trim(Concat("first_name", Value(" "), "last_name")), Value(""))
    found = (
        User.objects.filter(pk__in=people.values("pk"))
        .filter(wanted)
        .exclude(pk=actor.pk)
        .exclude(username__contains="@")
        .annotate(
            exact=Case(When(exact, then=Value(0)), default=Value(1)),
            in_team=Exists(in_team),
            sort_name=Lower(Coalesce(NullIf("display_name", Value("")), full_name, "username")),
        )
        .order_by("exact", "-in_team", "sort_name", "username")
    )
    return list(found[:MAX_SUGGESTIONS])
