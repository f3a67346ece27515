from __future__ import annotations

from django.urls import path

from hansei.collab.live import consumers

websocket_urlpatterns = [
    path("ws/collab/<str:room>", consumers.YjsConsumer.as_asgi()),
    path("ws/postmortems/<int:pk>/events/", consumers.EventsConsumer.as_asgi()),
]
