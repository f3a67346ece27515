from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hansei.core.dates import keepable
from hansei.core.errors import InvalidState

MAX_ROW_ID = 2**63 - 1  # the largest id a database column holds


def row_id(value: Any) -> int | None:
    """``value`` as a row id the database can hold (ASCII digits: "²".isdigit() is true and
    int() refuses it; SQLite raises OverflowError past 64 bits), else None."""
    text = str(value)
    if not re.fullmatch(r"[0-9]{1,19}", text) or not 0 < int(text) <= MAX_ROW_ID:
        return None
    return int(text)


def is_row_id(value: Any) -> bool:
    return row_id(value) is not None


def _sent_but_no_row_id(value: Any) -> bool:
    """A value as sent (text, a number) that is no row id; a row itself (a disabled field's
    initial value) passes."""
    return isinstance(value, str | int) and not is_row_id(value)


class RowChoiceField(forms.ModelChoiceField):
    """One row; anything that is not a row id is an invalid choice, never a query."""

    def to_python(self, value: Any) -> Any:
        if (
            self.to_field_name is None
            and value not in self.empty_values
            and _sent_but_no_row_id(value)
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Rows; a value that is not a row id is an invalid choice, never a query."""

    def clean(self, value: Any) -> Any:
        for pk in value if self.to_field_name is None and isinstance(value, list | tuple) else ():
            if _sent_but_no_row_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:100]},
                )
        return super().clean(value)


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
