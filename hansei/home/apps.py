from __future__ import annotations

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The signed-in home page ("My work"): what needs the person now, from every app."""

    name = "hansei.home"
    label = "home"
