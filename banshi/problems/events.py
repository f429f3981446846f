"""The audit event types of problem reports and of the reference data that routes them. The statistics
are computed from these events, so a stored value never changes."""

from __future__ import annotations

from enum import StrEnum, unique
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from banshi.problems.models import Report

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@unique
class EventType(StrEnum):
    REPORT_FILED = "problem.filed"
    REPORT_DISPATCHED = "problem.dispatched"
    REPORT_SENT_BACK = "problem.sent_back"
    REPORT_SIGNED = "problem.signed"
    REPORT_CONTACTED = "problem.contacted"
    REPORT_NOTE_ADDED = "problem.note_added"
    REPORT_CLOSED = "problem.closed"
    REPORT_REOPENED = "problem.reopened"
    REPORT_CALLED_BACK = "problem.called_back"
    REPORT_MARKED_DUPLICATE = "problem.marked_duplicate"
    REPORT_FOLLOWED = "problem.followed"
    REPORT_UNFOLLOWED = "problem.unfollowed"
    REPORT_PHOTOS_ADDED = "problem.photos_added"
    REPORT_DUE_SOON = "problem.due_soon"
    REPORT_LATE = "problem.late"
    REFERENCE_SAVED = "problems.reference_saved"
    REFERENCE_DELETED = "problems.reference_deleted"


# The event of each move of the transition table.
MOVED_TO = {
    Report.Status.DISPATCHED: EventType.REPORT_DISPATCHED,
    Report.Status.SENT_BACK: EventType.REPORT_SENT_BACK,
    Report.Status.SIGNED: EventType.REPORT_SIGNED,
    Report.Status.CONTACTED: EventType.REPORT_CONTACTED,
    Report.Status.CLOSED: EventType.REPORT_CLOSED,
    Report.Status.REOPENED: EventType.REPORT_REOPENED,
    Report.Status.CALLED_BACK: EventType.REPORT_CALLED_BACK,
    Report.Status.DUPLICATE: EventType.REPORT_MARKED_DUPLICATE,
}

# What a report's timeline says of an event, to anyone who may see the report. An event not named here
# stays off it: the sweep's warnings, the followers, and reasons that may carry personal data.
TIMELINE: dict[str, StrOrPromise] = {
    EventType.REPORT_FILED: gettext_lazy("Report received"),
    EventType.REPORT_DISPATCHED: gettext_lazy("Sent to %(unit)s"),
    EventType.REPORT_SENT_BACK: gettext_lazy("Sent back to the dispatcher to find the right unit"),
    EventType.REPORT_SIGNED: gettext_lazy("The unit signed for it"),
    EventType.REPORT_CONTACTED: gettext_lazy("The unit contacted the resident"),
    EventType.REPORT_CLOSED: gettext_lazy("Closed"),
    EventType.REPORT_REOPENED: gettext_lazy("Reopened: not fixed"),
    EventType.REPORT_CALLED_BACK: gettext_lazy("Called back"),
    EventType.REPORT_MARKED_DUPLICATE: gettext_lazy("Marked a duplicate of %(original)s"),
}
