from django.urls import path

from banshi.remote import consumers

websocket_urlpatterns = [
    path("ws/calls/<int:session_id>/", consumers.CallConsumer.as_asgi()),
    path("ws/queue/<int:window_id>/", consumers.QueueConsumer.as_asgi()),
]
