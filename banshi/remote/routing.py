"""The video window's WebSockets (`/ws/`, served by banshi.asgi), and the paths the pages open them at."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_resolver, path

from banshi.remote import consumers

# Channels routes sockets with Django's own path(); Django's stubs know only views as its targets and
# Channels' stubs only their own pattern type, hence the two ignores.
websocket_urlpatterns = [
    path("ws/calls/<int:session_id>/", consumers.CallConsumer.as_asgi(), name="call_socket"),  # type: ignore[arg-type]
    path("ws/queue/<int:window_id>/", consumers.QueueConsumer.as_asgi(), name="queue_socket"),  # type: ignore[arg-type]
]
# The same routes as a URLconf, so that `socket_path` reverses them as Django reverses a page's URL.
urlpatterns = websocket_urlpatterns


def socket_path(name: str, **kwargs: int) -> str:
    """Where a page opens the socket `name` (`call_socket`, `queue_socket`): below the path of
    BANSHI_PUBLIC_URL, as the browser reaches the site (`https://example.org/banshi` gives
    `/banshi/ws/…`, which the proxy in front passes on as `/ws/…`)."""
    prefix = urlsplit(settings.PUBLIC_URL).path.rstrip("/")
    return f"{prefix}/{get_resolver(__name__).reverse(name, **kwargs)}"
