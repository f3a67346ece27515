"""The JSON API under /api/v1/ (the API helper fills in the routers)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Hansei API", version="1", urls_namespace="api")
