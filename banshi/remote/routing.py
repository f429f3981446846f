from django.urls import path

from banshi.remote import consumers

# Channels routes sockets with Django's own path(); Django's stubs know only views as its targets and
# Channels' stubs only their own pattern type, hence the two ignores.
websocket_urlpatterns = [
    path("ws/calls/<int:session_id>/", consumers.CallConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/queue/<int:window_id>/", consumers.QueueConsumer.as_asgi()),  # type: ignore[arg-type]
]
