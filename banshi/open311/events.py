"""The audit event types of Open311: a stored value never changes."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    API_KEY_ISSUED = "open311.key_issued"
    API_KEY_REVOKED = "open311.key_revoked"
    REQUEST_RECEIVED = "open311.request_received"
