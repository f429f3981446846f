"""The ASGI entry point: Django's HTTP views and the video window's WebSockets (`/ws/`).

`make run` serves both from this one application with uvicorn. In production HTTP goes through WSGI
(several times faster here) and only `/ws/` reaches this application, behind the same proxy."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")
# Django must be set up before the consumers (and the models they import) are.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from banshi.remote.routing import websocket_urlpatterns  # noqa: E402
from banshi.startup import checks_before_serving  # noqa: E402

checks_before_serving()

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # Channels' stubs want their own pattern type for the routes Django's path() builds.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))  # type: ignore[arg-type]
        ),
    }
)
