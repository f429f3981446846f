"""A WebSocket client for the consumers' tests, and the session cookie of a signed-in browser."""

import json
from unittest import mock

from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client


class WebsocketCommunicator(ApplicationCommunicator):
    """Channels' `channels.testing.WebsocketCommunicator`, which cannot be imported here: the package
    `channels.testing` also imports its live-server case, which needs daphne (not installed; uvicorn
    serves the real thing). Same methods, same behaviour."""

    def __init__(self, application, path: str, headers=None):
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers or [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    # The consumers close old database connections around each message, which would close the test's.
    async def send_input(self, message):
        with mock.patch("channels.db.close_old_connections", lambda: None):
            return await super().send_input(message)

    async def receive_output(self, timeout=1):
        with mock.patch("channels.db.close_old_connections", lambda: None):
            return await super().receive_output(timeout)

    async def connect(self, timeout=1) -> tuple[bool, object]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data) -> None:
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout=1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def login_cookie(user) -> str:
    """The session cookie of a signed-in browser (sessions are signed cookies)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
