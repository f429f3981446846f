"""The video window's WebSockets: a call's signaling room and a window's live queue.

Thin, as the house wants: they authenticate, ask the selectors and services, and pass on what the
services decided. Nothing here keeps state another process needs; the rooms are channel-layer groups,
so two server processes sharing a Redis layer serve the two sides of one call.

Signaling protocol (both sides run `static/js/call.js`): a page that opens its socket says `hello`
(with a random id of the page); a side that hears `hello` answers `ready`. A group does not buffer, so
whoever came first only learns of the other through the later one's `hello`; the `ready` that answers
it proves both are in the room. The clerk then offers, the resident answers, and both send their ICE
candidates (which the receiving page keeps until it has the remote description). Each page says
`connected` when its peer connection is connected (again on a socket that opened anew); the session is
marked connected once both have (`services.call_media_connected`), not when the signaling met. A
`chat` line is kept with the call before it is relayed; one that cannot be kept (the call has ended)
is answered `chat-refused`, and the sending page says it was not sent."""

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

if TYPE_CHECKING:
    from asgiref.typing import WebSocketReceiveEvent
from django.contrib.auth.models import AnonymousUser

from banshi.accounts.models import User
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.remote import selectors, services
from banshi.remote.realtime import call_group, queue_group

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024
# Close codes the pages understand (4000–4999 are the application's own).
CLOSE_REFUSED = 4403  # not a participant, not signed in, the call is over, or not a video window
CLOSE_ENDED = 4000  # the clerk ended the call
CLOSE_REPLACED = 4409  # the same person opened the call again in another tab
CLOSE_FLOODED = 4429  # more messages than a page sends (WS_MESSAGES_PER_SECOND, WS_MESSAGE_BURST)
# Of the messages a socket had dropped, at most one warning this often (seconds); the rest are counted,
# so that a page sending rubbish cannot fill the log.
WARN_EVERY = 60.0


class TokenBucket:
    """`rate` messages a second on average and `burst` at once (a page sends its ICE candidates
    together): a socket within it is never refused."""

    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class WarningLimiter:
    """At most one warning per `every` seconds; the ones held back in between are counted."""

    def __init__(self, *, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self.last: float | None = None
        self.held = 0

    def allow(self) -> int | None:
        """None when this warning is to be held back (and is counted); otherwise how many were held
        back since the last one."""
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            self.held += 1
            return None
        self.last = now
        held, self.held = self.held, 0
        return held

    def held_back(self) -> int:
        """How many were held back since the last warning (counted from nought again)."""
        held, self.held = self.held, 0
        return held


def _more(held: int) -> str:
    return f" ({held} more dropped since the last warning)" if held else ""


class Malformed(ValueError):
    """A message that is not one of the protocol's: dropped, and logged without its content."""


def _text(value: Any, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (not value and not empty):
        raise Malformed("a text field is missing, empty, too long or not text")
    return value


def _optional(value: Any, kind: type) -> Any:
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int):
        raise Malformed(f"a field is not {kind.__name__} or null")
    return value


def _candidate(message: dict) -> dict:
    candidate = message.get("candidate")
    if candidate is None:  # the end of the candidates
        return {"candidate": None}
    if not isinstance(candidate, dict):
        raise Malformed("candidate is not an object")
    return {
        "candidate": {
            "candidate": _text(candidate.get("candidate"), 2000, empty=True),
            "sdpMid": _optional(candidate.get("sdpMid"), str),
            "sdpMLineIndex": _optional(candidate.get("sdpMLineIndex"), int),
            "usernameFragment": _optional(candidate.get("usernameFragment"), str),
        }
    }


def _flag(message: dict, key: str) -> bool:
    value = message.get(key)
    if not isinstance(value, bool):
        raise Malformed(f"{key} is not true or false")
    return value


# What each type carries; the server relays these fields only, rebuilt from what it checked.
SCHEMAS = {
    "hello": lambda m: {"peer": _text(m.get("peer"), 64)},
    "ready": lambda m: {"peer": _text(m.get("peer"), 64)},
    "offer": lambda m: {"sdp": _text(m.get("sdp"), MAX_MESSAGE_BYTES)},
    "answer": lambda m: {"sdp": _text(m.get("sdp"), MAX_MESSAGE_BYTES)},
    "candidate": _candidate,
    "chat": lambda m: {"text": _text(m.get("text"), 1000)},
    "connected": lambda m: {"peer": _text(m.get("peer"), 64)},
    "mute": lambda m: {"audio": _flag(m, "audio"), "video": _flag(m, "video")},
    "bye": lambda m: {},
}


def parse_signal(text: str | None) -> dict:
    """The message to relay, or `Malformed`."""
    if text is None:
        raise Malformed("a binary frame")
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode()) > MAX_MESSAGE_BYTES:
        raise Malformed("larger than 16 KiB")
    try:
        message = json.loads(text)
    except ValueError:
        raise Malformed("not JSON") from None
    if not isinstance(message, dict):
        raise Malformed("not a JSON object")
    kind = message.get("type")
    schema = SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise Malformed("an unknown type")
    return {"type": kind, **schema(message)}


def _scope_user(consumer: AsyncWebsocketConsumer) -> User | AnonymousUser:
    """The socket's user as the auth middleware set it: a lazy User or AnonymousUser (the stubs know only
    an abstract user), or anonymous when no middleware ran."""
    return cast("User | AnonymousUser", consumer.scope.get("user") or AnonymousUser())


class BoundedConsumer(AsyncWebsocketConsumer):
    """A socket kept within a page's pace: past WS_MESSAGES_PER_SECOND (after a burst of
    WS_MESSAGE_BURST) it is closed with CLOSE_FLOODED and what it still sends is ignored. The size of
    a frame is capped before it gets here, by the server (`uvicorn --ws-max-size`)."""

    flooded = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bucket = TokenBucket(rate=settings.WS_MESSAGES_PER_SECOND, burst=settings.WS_MESSAGE_BURST)
        self.warnings = WarningLimiter(every=WARN_EVERY)

    def describe(self) -> str:
        """The socket in a log line, without anything a person sent."""
        raise NotImplementedError

    async def websocket_receive(self, message: "WebSocketReceiveEvent") -> None:
        if self.flooded:
            return
        if not self.bucket.take():
            self.flooded = True
            logger.warning(
                "%s: closed the socket, more than %s messages a second",
                self.describe(),
                settings.WS_MESSAGES_PER_SECOND,
            )
            await self.close(code=CLOSE_FLOODED)
            return
        await super().websocket_receive(message)

    def warn_dropped(self, problem: Malformed) -> None:
        held = self.warnings.allow()
        if held is not None:
            logger.warning("%s: dropped a message: %s%s", self.describe(), problem, _more(held))

    def warn_dropped_at_the_end(self) -> None:
        if held := self.warnings.held_back():
            logger.warning("%s: dropped %d more messages since the last warning", self.describe(), held)


class CallConsumer(BoundedConsumer):
    """`/ws/calls/<session_id>/`: the two participants of a call, and nobody else."""

    session_id: int
    role = ""
    joined = False
    closing = False  # the call ended or this page was replaced: leaving is not an interruption
    relayed = 0

    async def connect(self) -> None:
        self.session_id = self.scope["url_route"]["kwargs"]["session_id"]
        user = _scope_user(self)
        session = None
        if user.is_authenticated:
            session = await database_sync_to_async(selectors.session_for_participant)(
                user=user, session_id=self.session_id
            )
        # Accepted, then closed: a browser learns the reason (4403) only from a socket that opened.
        await self.accept()
        if session is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.role = "clerk" if session.clerk_id == user.pk else "resident"
        self.joined = True
        await self.channel_layer.group_add(call_group(self.session_id), self.channel_name)
        await self._group({"type": "peer.joined", "user": user.pk})

    def describe(self) -> str:
        return f"call {self.session_id}, the {self.role or 'stranger'}"

    async def disconnect(self, code: int) -> None:
        self.warn_dropped_at_the_end()
        if not self.joined:
            return
        await self.channel_layer.group_discard(call_group(self.session_id), self.channel_name)
        if self.relayed:
            await database_sync_to_async(services.call_touch)(
                session_id=self.session_id, user=cast(User, _scope_user(self)), messages=self.relayed
            )
        if self.closing:
            return
        try:
            await database_sync_to_async(services.call_interrupted)(
                session_id=self.session_id, user=cast(User, _scope_user(self))
            )
        except (Conflict, NotFound):  # ended meanwhile, or already interrupted by the other side
            pass
        await self._group({"type": "peer.left"})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.joined:
            return
        try:
            message = parse_signal(text_data)
        except Malformed as problem:
            self.warn_dropped(problem)
            return
        message["from"] = self.role
        self.relayed += 1
        user = cast(User, _scope_user(self))
        if message["type"] == "connected":
            try:
                await database_sync_to_async(services.call_media_connected)(
                    session_id=self.session_id, user=user
                )
            except (Conflict, NotFound):
                pass
            return
        if message["type"] == "chat":
            try:
                line = await database_sync_to_async(services.call_chat_post)(
                    actor=user, session_id=self.session_id, text=message["text"]
                )
            except (Conflict, FieldErrors, NotFound):
                await self.send(text_data=json.dumps({"type": "chat-refused"}))
                return
            message["text"] = line.text
        await self._group({"type": "signal.relay", "message": message})

    async def _group(self, event: dict) -> None:
        await self.channel_layer.group_send(
            call_group(self.session_id), {**event, "sender": self.channel_name}
        )

    # Events from the group: handlers named after their types (`signal.relay` → `signal_relay`).

    async def signal_relay(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send(text_data=json.dumps(event["message"]))

    async def peer_joined(self, event: dict) -> None:
        if event["sender"] == self.channel_name or event["user"] != _scope_user(self).pk:
            return
        # The same person again (a reload, a second tab): the newest page holds the call.
        self.closing = True
        await self.close(code=CLOSE_REPLACED)

    async def peer_left(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send(text_data=json.dumps({"type": "left"}))

    async def call_event(self, event: dict) -> None:
        """What a service decided during the call (see `realtime.call_changed`)."""
        await self.send(text_data=json.dumps({"type": event["event"]}))
        if event["event"] == "ended":
            self.closing = True
            await self.close(code=CLOSE_ENDED)


def _video_queue_state(window_id: int) -> dict[str, Any] | None:
    """The queue of a video window, or None for any other window (physical windows have no queue
    here) and for one that does not exist."""
    if selectors.video_window(window_id=window_id) is None:
        return None
    return selectors.queue_state(window_id=window_id)


class QueueConsumer(BoundedConsumer):
    """`/ws/queue/<window_id>/`: a window's queue as anyone signed in may see it (numbers, positions
    and waits; no names), on connecting and whenever it changes."""

    window_id: int
    joined = False

    async def connect(self) -> None:
        self.window_id = self.scope["url_route"]["kwargs"]["window_id"]
        user = _scope_user(self)
        await self.accept()
        if not user.is_authenticated:
            await self.close(code=CLOSE_REFUSED)
            return
        state = await database_sync_to_async(_video_queue_state)(self.window_id)
        if state is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.joined = True
        await self.channel_layer.group_add(queue_group(self.window_id), self.channel_name)
        await self.send(text_data=json.dumps(state, default=str))

    def describe(self) -> str:
        return f"queue of window {self.window_id}"

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(queue_group(self.window_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Watchers only listen."""

    async def queue_update(self, event: dict) -> None:
        await self.send(text_data=json.dumps(event["state"], default=str))
