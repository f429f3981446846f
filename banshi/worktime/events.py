"""The audit event types of the working calendar."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    CALENDAR_OVERRIDE_SET = "calendar.override_set"
    CALENDAR_OVERRIDE_CHANGED = "calendar.override_changed"
    CALENDAR_OVERRIDE_DELETED = "calendar.override_deleted"
