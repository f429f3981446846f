"""The audit event types of lecture programmes: every change of a programme, a lecture and its
attendance writes one of these."""

from __future__ import annotations

from enum import StrEnum, unique

from banshi.outreach.models import Lecture


@unique
class EventType(StrEnum):
    PROGRAMME_CREATED = "outreach.programme_created"
    SPEAKER_ADDED = "outreach.speaker_added"
    QUOTA_SET = "outreach.quota_set"
    LECTURE_SCHEDULED = "outreach.lecture_scheduled"
    LECTURE_HELD = "outreach.lecture_held"
    LECTURE_CLOSED = "outreach.lecture_closed"
    LECTURE_CANCELLED = "outreach.lecture_cancelled"
    LECTURE_PHOTOS_ADDED = "outreach.lecture_photos_added"
    REGISTERED = "outreach.registered"
    CHECKED_IN = "outreach.checked_in"
    CHECKIN_CODE_SENT = "outreach.checkin_code_sent"
    CHECKIN_CODE_LOCKED = "outreach.checkin_code_locked"
    RATED = "outreach.rated"


# The event of each move of the lecture's transition table.
MOVED_TO = {
    Lecture.Status.HELD: EventType.LECTURE_HELD,
    Lecture.Status.CLOSED: EventType.LECTURE_CLOSED,
    Lecture.Status.CANCELLED: EventType.LECTURE_CANCELLED,
}
