"""The culture programs' forms: nominate, set a voting window, thank someone, answer a
survey, keep the reading club, spin the wheel and run a drill."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Case, Q, QuerySet, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.forms import MomentField, RowChoiceField, RowsChoiceField
from hansei.culture.awards.services import MAX_REASON
from hansei.culture.drills import services as drills
from hansei.culture.drills.models import Phase
from hansei.culture.kudos.models import KudosFor
from hansei.culture.kudos.services import MAX_MESSAGE
from hansei.culture.reading import services as reading
from hansei.culture.reading.links import MAX_LINK
from hansei.culture.reading.models import Reading
from hansei.incidents.models import Incident, Service
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class NominationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it deserves it"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What others can learn from it: the writing, the analysis, the follow-up."),
    )


class VotingWindowForm(forms.Form):
    voting_opens_at = MomentField(label=_("Voting opens"))
    voting_closes_at = MomentField(label=_("Voting closes"))


class KudosForm(forms.Form):
    receiver = RowChoiceField(label=_("Thank"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("For"), choices=KudosFor.choices)
    message = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 3})
    )
    announce = forms.BooleanField(label=_("Tell their teams too"), required=False)

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        receiver = self.fields["receiver"]
        assert isinstance(receiver, forms.ModelChoiceField)
        receiver.queryset = people
        receiver.label_from_instance = lambda user: user.name  # type: ignore[method-assign,assignment]


def _scale(low: StrOrPromise, high: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    """1 to 5, the ends named (in the language of each request)."""
    return [
        ("1", format_lazy("1 · {}", low)),
        ("2", "2"),
        ("3", "3"),
        ("4", "4"),
        ("5", format_lazy("5 · {}", high)),
    ]


class SurveyForm(forms.Form):
    helped = forms.TypedChoiceField(
        label=_("Did the postmortem process help?"),
        choices=_scale(_("not at all"), _("a great deal")),
        coerce=int,
        widget=forms.RadioSelect,
    )
    toil = forms.TypedChoiceField(
        label=_("How much toil did it cost you?"),
        choices=_scale(_("very little"), _("a great deal")),
        coerce=int,
        widget=forms.RadioSelect,
    )
    tools = forms.TypedChoiceField(
        label=_("Were the tools adequate?"),
        choices=_scale(_("not at all"), _("fully")),
        coerce=int,
        widget=forms.RadioSelect,
    )
    change = forms.CharField(
        label=_("What would you change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("Answer anonymously"),
        required=False,
        help_text=_(
            "Nothing then records that the answer is yours: not your name, not when you "
            "answered. Your team's leads read what you would change without a name."
        ),
    )


class PersonField(RowChoiceField):
    """One person, by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ReadingListForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=reading.MAX_TITLE)
    description = forms.CharField(
        label=_("What it is for"),
        max_length=reading.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReadingForm(forms.Form):
    link = forms.CharField(
        label=_("Postmortem or link"),
        max_length=MAX_LINK,
        help_text=_(
            "One of ours: its number (#12) or its address here. An outside postmortem: its "
            "public address, and a title below."
        ),
    )
    title = forms.CharField(
        label=_("Title (outside postmortems)"), max_length=reading.MAX_READING_TITLE, required=False
    )
    note = forms.CharField(
        label=_("Why read it"),
        max_length=reading.MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReadingsField(RowsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.reading_list.title) + " · " + str(obj.label)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=reading.MAX_TITLE)
    starts_at = MomentField(label=_("Starts at"))
    duration = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=reading.MIN_DURATION,
        max_value=reading.MAX_DURATION,
        initial=60,
        widget=forms.NumberInput(attrs={"step": 15}),
    )
    location = forms.CharField(
        label=_("Where"),
        max_length=reading.MAX_LOCATION,
        required=False,
        help_text=_("A room or a video call link."),
    )
    facilitator = PersonField(label=_("Facilitator"), queryset=User.objects.none())
    readings = ReadingsField(
        Reading.objects.none(),
        label=_("Readings"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the club's lists. Add to a list first to read something new."),
    )
    announce = forms.BooleanField(label=_("Announce it to everyone"), required=False, initial=True)

    def __init__(self, *args: Any, readings: QuerySet[Reading], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        self.fields["facilitator"].queryset = people  # type: ignore[attr-defined]
        self.fields["readings"].queryset = readings  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=reading.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown. Blameless, like the postmortems: about systems, not people."),
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=reading.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. What the club learned, questions left open, ideas to follow up."),
    )


class AttendanceForm(forms.Form):
    people = RowsChoiceField(
        User.objects.none(),
        label=_("Who was there"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    also = PersonField(label=_("Someone else"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["people"].label_from_instance = lambda user: user.name  # type: ignore[attr-defined]
        everyone = User.objects.filter(is_active=True).order_by("display_name", "username")
        self.fields["also"].queryset = everyone  # type: ignore[attr-defined]

    def attendees(self) -> list[User]:
        chosen = list(self.cleaned_data["people"])
        if self.cleaned_data.get("also") is not None:
            chosen.append(self.cleaned_data["also"])
        return chosen


class WheelForm(forms.Form):
    team = RowChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False,
        empty_label=_("Any team"),
    )  # fmt: skip
    service = RowChoiceField(
        label=_("Service"), queryset=Service.objects.order_by("name"), required=False,
        empty_label=_("Any service"),
    )  # fmt: skip


class DrillForm(forms.Form):
    game_master = PersonField(
        label=_("Game master"),
        queryset=User.objects.none(),
        help_text=_(
            "Holds the answer key and reveals the cards. Those who responded to the incident "
            "know the story best: they come first, and are asked to help."
        ),
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (minutes)"),
        min_value=drills.MIN_TIME,
        max_value=drills.MAX_TIME,
        initial=45,
        widget=forms.NumberInput(attrs={"step": 5}),
    )

    def __init__(self, *args: Any, postmortem: Postmortem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incidents = Incident.objects.filter(postmortem=postmortem)
        responded = Q(pk__in=incidents.values("commander")) | Q(
            pk__in=incidents.values("responders")
        )
        readers = access.readers_of_postmortem(postmortem).filter(is_active=True)
        self.fields["game_master"].queryset = readers.annotate(  # type: ignore[attr-defined]
            responded=Case(When(responded, then=0), default=1)
        ).order_by("responded", "display_name", "username")


class ClockForm(forms.Form):
    """The game master's clock buttons: pause ("1") or resume ("0"), and the time limit."""

    paused = forms.TypedChoiceField(
        choices=(("1", _("Pause")), ("0", _("Resume"))),
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=drills.MIN_TIME,
        max_value=drills.MAX_TIME,
        widget=forms.NumberInput(attrs={"step": 5}),
    )


class OpeningForm(forms.Form):
    opening = forms.CharField(
        label=_("The opening"),
        max_length=drills.MAX_OPENING,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the players see first: symptoms, never the cause."),
    )


class CardForm(forms.Form):
    """One card of a drill; each on the page has its own prefix (``card-12``, ``new``)."""

    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    offset_minutes = forms.IntegerField(
        label=_("Minutes from the opening"),
        required=False,
        min_value=-drills.MAX_OFFSET,
        max_value=drills.MAX_OFFSET,
        help_text=_("Negative for what happened before; empty when unknown."),
    )
    text = forms.CharField(
        label=_("What the players learn"),
        max_length=drills.MAX_CARD,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reveals = forms.CharField(label=_("Reveal it when"), max_length=drills.MAX_REVEALS)


class QuestionForm(forms.Form):
    """One question of a drill; each on the page has its own prefix (``question-3``, ``ask``)."""

    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    text = forms.CharField(label=_("Question"), max_length=drills.MAX_QUESTION)


class DebriefForm(forms.Form):
    debrief = forms.CharField(
        label=_("Debrief notes"),
        max_length=drills.MAX_DEBRIEF,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown. What the players found and missed, what surprised them, what to "
            "change in runbooks, alerts or training."
        ),
    )
