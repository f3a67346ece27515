from __future__ import annotations

from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """Hansei's own admin pages for daily work: people, invitations, teams and integrations.
    They call the owning apps' services; the Django admin stays for rare repairs."""

    name = "hansei.administration"
    label = "administration"
