"""The audit event types of the open numbers."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    # A supervisor downloaded a list of the cases behind a number.
    LIST_EXPORTED = "numbers.list_exported"
