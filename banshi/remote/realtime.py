"""Pushing what services decided to the browsers over WebSockets (through the channel layer).

A push that fails (the Redis channel layer unreachable) is logged and swallowed: the change is already
committed, and the pages fall back to polling."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def queue_group(window_id: int) -> str:
    return f"queue.{window_id}"


def call_group(session_id: int) -> str:
    """The signaling room of a call (`CallSession.room`)."""
    return f"call-{session_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # noqa: BLE001 (committed already; the pages poll when pushes fail)
        logger.exception("could not push %s to %s", message["type"], group)


def queue_changed(window_id: int) -> None:
    """Tell everyone watching a window's queue (residents waiting, the clerk's console) that it
    changed. Call after commit."""
    from banshi.remote.selectors import queue_state

    _send(queue_group(window_id), {"type": "queue.update", "state": queue_state(window_id=window_id)})


def call_changed(session_id: int, event: str) -> None:
    """Tell both sides of a call that something they show changed: `draft` (the shared application
    or a captured still), `review` (a verdict on a material) or `ended`. Call after commit."""
    _send(call_group(session_id), {"type": "call.event", "event": event})
