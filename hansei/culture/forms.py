"""The culture programs' forms: nominate, set a voting window, thank someone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import User
from hansei.core.forms import DateTimeInput
from hansei.culture.awards.services import MAX_REASON
from hansei.culture.kudos.models import KudosFor
from hansei.culture.kudos.services import MAX_MESSAGE

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
    voting_opens_at = forms.DateTimeField(label=_("Voting opens"), widget=DateTimeInput())
    voting_closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DateTimeInput())


class KudosForm(forms.Form):
    receiver = forms.ModelChoiceField(label=_("Thank"), queryset=User.objects.none())
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
