"""The one way a page handles a form or a button: validate, call one service, answer.

    outcome = htmx.attempt(lambda: services.add_factor(...), form=form)
    return htmx.answer(
        request,
        outcome,
        fragment="postmortems/analysis/_contributing_factors.html",
        context=lambda: {"factors": factors_context(request, postmortem, ...)},
        back=page_url + "#factors",
        page=lambda context, status: ...,  # the whole page, showing the fragment's context
    )

An htmx request gets the fragment: 200 when it worked, 400 (refused input) or 409 (wrong
state) with the errors in it (``app.js`` swaps those in). A plain form post, without
JavaScript, goes back to the page when it worked; when it did not, it gets the whole page
with the errors in place (``page``), so nothing typed is lost, or, for a part the page cannot
show with errors, goes back with the reason as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, form_error_text, service_error_text
from hansei.core.http import is_htmx

Page = Callable[[dict[str, Any], int], HttpResponse]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""  # why it was refused, in words (also on the form, when there is one)
    status: int = 200
    # A refusal's messages by field ("__all__": not about one field), for pages without a form.
    errors: dict[str, list[str]] = field(default_factory=dict)
    result: Any = None  # what the service returned

    @classmethod
    def refused(cls, error: ValidationError | InvalidState) -> Outcome:
        if isinstance(error, InvalidState):
            return cls(False, error.message, 409, {"__all__": [error.message]})
        errors = (
            {name: list(messages) for name, messages in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": list(error.messages)}
        )
        return cls(False, service_error_text(error), 400, errors)


def attempt(action: Callable[[], object], *, form: forms.BaseForm | None = None) -> Outcome:
    """Validate ``form`` (when there is one), then run ``action``, a service call. A refusal
    goes on the form's fields, and into the outcome's ``error``."""
    if form is not None and not form.is_valid():
        return Outcome(False, form_error_text(form), 400)
    try:
        result = action()
    except (ValidationError, InvalidState) as error:
        if form is None:
            return Outcome.refused(error)
        apply_service_error(form, error)
        return Outcome(False, form_error_text(form), Outcome.refused(error).status)
    return Outcome(True, result=result)


def answer(
    request: HttpRequest,
    outcome: Outcome,
    *,
    fragment: str,
    context: Callable[[], dict[str, Any]],
    back: str,
    page: Page | None = None,
    done: str = "",
) -> HttpResponse:
    """The fragment (htmx), or back to ``back`` with ``done`` as a message, or, after a
    refusal, the page showing the errors (``page``) or back with the reason as a message."""
    if is_htmx(request):
        return render(request, fragment, context(), status=outcome.status)
    if outcome.ok:
        if done:
            messages.success(request, done)
        return redirect(back)
    if page is not None:
        return page(context(), outcome.status)
    messages.error(request, outcome.error)
    return redirect(back)
