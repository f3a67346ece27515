"""ASGI entry point: ``uvicorn hansei.asgi:application`` (``hansei serve`` does this).

HTTP goes to Django; WebSockets (live editing, page events, the inbox count, drills) to Channels
consumers."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")

django_application = get_asgi_application()

# Imported after Django is set up: the consumers use the models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from hansei.collab.live.auth import WebSocketAuth  # noqa: E402
from hansei.collab.routing import websocket_urlpatterns as collab_sockets  # noqa: E402
from hansei.culture.drills.routing import websocket_urlpatterns as drill_sockets  # noqa: E402
from hansei.notifications.routing import websocket_urlpatterns as inbox_sockets  # noqa: E402

sockets = URLRouter([*collab_sockets, *inbox_sockets, *drill_sockets])
application = ProtocolTypeRouter({"http": django_application, "websocket": WebSocketAuth(sockets)})
