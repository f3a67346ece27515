"""Errors services raise. Views turn them into form errors, the API into 4xx answers.

* ``django.core.exceptions.ValidationError``: bad input (400), with field errors if known;
* ``django.core.exceptions.PermissionDenied``: the actor may not do this (403);
* ``InvalidState``: the object is not in a state that allows this (409).
"""

from __future__ import annotations


class InvalidState(Exception):
    """The action is not allowed in the object's current state (HTTP 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
