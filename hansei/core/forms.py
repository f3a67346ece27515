from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hansei.core.dates import keepable
from hansei.core.errors import InvalidState


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MomentField(forms.DateTimeField):
    """A date and time typed in the reader's zone (``DateTimeInput``), kept only between the
    years 1900 and 9998 (``dates.keepable``)."""

    widget = DateTimeInput

    def to_python(self, value: Any) -> Any:
        moment = super().to_python(value)
        return None if moment is None else keepable(moment)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def form_error_text(form: forms.BaseForm) -> str:
    """Every error of a form as one sentence, for a flash message."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def service_error_text(error: ValidationError | InvalidState) -> str:
    """A service's refusal as one sentence, for a flash message or an inline error."""
    if isinstance(error, InvalidState):
        return error.message
    return " ".join(error.messages)


def apply_service_error(form: forms.BaseForm, error: ValidationError | InvalidState) -> None:
    """Put a service's refusal on the form: a ValidationError on its field if the form has it,
    an InvalidState (wrong state for this action) on the form as a whole."""
    if isinstance(error, InvalidState):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
