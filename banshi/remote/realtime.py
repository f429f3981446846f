"""Pushing what services decided to the browsers over WebSockets (through the channel layer)."""


def queue_changed(window_id: int) -> None:
    """Tell everyone watching a window's queue (residents waiting, the clerk's console) that it
    changed. Call after commit."""
