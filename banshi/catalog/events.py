"""The audit event types of the catalogue."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    BUNDLE_VERSION_SET = "bundle.version_set"
    BUNDLE_OPENED = "bundle.opened"
    BUNDLE_CLOSED = "bundle.closed"
