"""The audit event types of applications, tasks and their ratings, and what the applicant's timeline
says of the events it shows."""

from __future__ import annotations

from enum import StrEnum, unique
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from banshi.cases.models import Application, Task

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_IN_PROGRESS = "application.in_progress"
    APPLICATION_CORRECTION_NEEDED = "application.correction_needed"
    APPLICATION_COMPLETE = "application.complete"
    APPLICATION_CLOSED = "application.closed"
    APPLICATION_CONFIRMED = "application.confirmed"
    APPLICATION_HANDED_OVER = "application.handed_over"
    APPLICATION_POSTED = "application.posted"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    APPLICATION_DELIVERY_SET = "application.delivery_set"

    TASK_READY = "task.ready"
    TASK_CANCELLED = "task.cancelled"
    TASK_CLAIMED = "task.claimed"
    TASK_RELEASED = "task.released"
    TASK_APPROVED = "task.approved"
    TASK_RETURNED = "task.returned"
    TASK_CORRECTED = "task.corrected"
    TASK_REJECTED = "task.rejected"
    TASK_AUTOMATIC_FAILED = "task.automatic_failed"
    TASK_DUE_SOON = "task.due_soon"
    TASK_LATE = "task.late"

    RATING_CREATED = "rating.created"
    RATING_FOLLOWED_UP = "rating.followed_up"
    UPLOAD_CREATED = "upload.created"
    UPLOADS_PURGED = "upload.purged"
    DRAFT_PURGED = "draft.purged"
    USER_CREATED_AT_WINDOW = "user.created_at_window"
    WINDOW_CONFIRMATION_SENT = "window_confirmation.sent"
    WINDOW_CONFIRMATION_LOCKED = "window_confirmation.locked"
    # The resident at the counter confirmed by a code that the clerk may see them in full.
    WINDOW_IDENTITY_CONFIRMED = "window_confirmation.identity_confirmed"
    # A job of the task queue left running by a stopped worker (sweep.jobs_recover_abandoned).
    JOB_TAKEN_UP_AGAIN = "job.taken_up_again"
    JOB_ABANDONED = "job.abandoned"


# The orchestrator's moves (services/flow.py), each with its event.
APPLICATION_MOVED_TO = {
    Application.Status.IN_PROGRESS: EventType.APPLICATION_IN_PROGRESS,
    Application.Status.CORRECTION_NEEDED: EventType.APPLICATION_CORRECTION_NEEDED,
    Application.Status.COMPLETE: EventType.APPLICATION_COMPLETE,
    Application.Status.CLOSED: EventType.APPLICATION_CLOSED,
    Application.Status.WITHDRAWN: EventType.APPLICATION_WITHDRAWN,
}
TASK_MOVED_TO = {
    Task.Status.READY: EventType.TASK_READY,
    Task.Status.CANCELLED: EventType.TASK_CANCELLED,
}

# What the applicant's timeline says of an event. An event not named here stays off it: the officers'
# own bookkeeping, deadline warnings, and anything that could carry personal data.
APPLICATION_TIMELINE: dict[str, StrOrPromise] = {
    EventType.APPLICATION_SUBMITTED: gettext_lazy("Application submitted"),
    EventType.APPLICATION_IN_PROGRESS: gettext_lazy("Application back in progress"),
    EventType.APPLICATION_CORRECTION_NEEDED: gettext_lazy("A correction is needed"),
    EventType.APPLICATION_COMPLETE: gettext_lazy("Application complete: every service is done"),
    EventType.APPLICATION_CLOSED: gettext_lazy("Application finished; some services were refused"),
    EventType.APPLICATION_WITHDRAWN: gettext_lazy("You withdrew the application"),
    EventType.APPLICATION_DELIVERY_SET: gettext_lazy("How the results reach you was changed"),
    EventType.APPLICATION_POSTED: gettext_lazy("The results were posted to you"),
    EventType.APPLICATION_HANDED_OVER: gettext_lazy("The results were handed over at the window"),
}
TASK_TIMELINE: dict[str, StrOrPromise] = {
    EventType.TASK_READY: gettext_lazy("%(service)s: sent to %(agency)s"),
    EventType.TASK_CLAIMED: gettext_lazy("%(service)s: an officer started work on it"),
    EventType.TASK_RELEASED: gettext_lazy("%(service)s: back in the agency's queue"),
    EventType.TASK_APPROVED: gettext_lazy("%(service)s: done"),
    EventType.TASK_RETURNED: gettext_lazy("%(service)s: returned to you for correction"),
    EventType.TASK_CORRECTED: gettext_lazy("%(service)s: your correction was sent"),
    EventType.TASK_REJECTED: gettext_lazy("%(service)s: refused"),
    EventType.TASK_CANCELLED: gettext_lazy("%(service)s: cancelled because an earlier service was refused"),
}
# The same events when the worker decided by a rule, with no officer involved.
AUTOMATIC_TASK_TIMELINE: dict[str, StrOrPromise] = {
    EventType.TASK_APPROVED: gettext_lazy("%(service)s: done automatically")
}
