"""The integrations' admin pages: the list, a new one, one's settings, its test event and a
new address and secret (the last two are POST only)."""

from __future__ import annotations

from django.urls import path

from hansei.administration import integrations

urlpatterns = [
    path("integrations/", integrations.integrations, name="integrations"),
    path("integrations/new/", integrations.integration_new, name="integration_new"),
    path("integrations/<int:pk>/", integrations.integration, name="integration"),
    path("integrations/<int:pk>/test/", integrations.integration_test, name="integration_test"),
    path(
        "integrations/<int:pk>/rotate/", integrations.integration_rotate, name="integration_rotate"
    ),
]
