"""The one form handler: validate, call one service, and say what happened."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from hansei.core import htmx
from hansei.core.errors import InvalidState


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)


def test_an_invalid_form_never_reaches_the_service() -> None:
    called: list[str] = []
    outcome = htmx.attempt(lambda: called.append("yes"), form=NameForm({"name": "too long"}))
    assert (outcome.ok, outcome.status, called) == (False, 400, [])
    assert "at most 5 characters" in outcome.error


def test_a_refusal_goes_on_the_form_field_it_names() -> None:
    form = NameForm({"name": "ada"})

    def refuse() -> None:
        raise ValidationError({"name": "Taken."})

    outcome = htmx.attempt(refuse, form=form)
    assert (outcome.ok, outcome.status) == (False, 400)
    assert form.errors == {"name": ["Taken."]}


def test_a_wrong_state_is_a_conflict_and_is_said_in_words() -> None:
    def refuse() -> None:
        raise InvalidState("Only a draft can change.")

    outcome = htmx.attempt(refuse)
    assert (outcome.ok, outcome.status, outcome.error) == (False, 409, "Only a draft can change.")
    assert outcome.errors == {"__all__": ["Only a draft can change."]}


def test_field_errors_without_a_form_are_kept_by_field() -> None:
    def refuse() -> None:
        raise ValidationError({"body": ["Write something."], "quote": ["Too long."]})

    outcome = htmx.attempt(refuse)
    assert outcome.errors == {"body": ["Write something."], "quote": ["Too long."]}
    assert outcome.status == 400


def test_success_carries_what_the_service_returned() -> None:
    outcome = htmx.attempt(lambda: 42)
    assert (outcome.ok, outcome.status, outcome.result) == (True, 200, 42)
