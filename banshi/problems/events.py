"""The audit event types of problem reports and of the reference data that routes them. The statistics
are computed from these events, so a stored value never changes."""

from enum import StrEnum, unique

from banshi.problems.models import Report


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
