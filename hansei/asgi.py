"""ASGI entry point: ``uvicorn hansei.asgi:application`` (``hansei serve`` does this)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")

application = get_asgi_application()
