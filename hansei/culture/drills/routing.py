from __future__ import annotations

from django.urls import path

from hansei.culture.drills.consumers import DrillConsumer

websocket_urlpatterns = [path("ws/drills/<int:drill_id>/", DrillConsumer.as_asgi())]
