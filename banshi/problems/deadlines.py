"""A tier's time limits as moments: emergencies in calendar hours, the others on the working calendar."""

from datetime import datetime, timedelta
from typing import NamedTuple

from banshi.problems.models import Report, Tier
from banshi.worktime.calendar import Calendar
from banshi.worktime.hours import Deadline, hours_per_working_day, working_deadline

# A report is due soon in its last fifth of the time limit (an emergency's last 24 minutes, a general
# matter's last working day and a half).
DUE_SOON_SHARE = 0.2


class Deadlines(NamedTuple):
    first_contact: datetime
    closing: datetime
    estimated: bool


def limit_deadline(*, clock: str, hours: int, start: datetime, calendar: Calendar | None = None) -> Deadline:
    """`hours` after `start`: on the clock, or on the working calendar, where each 24 hours are one
    working day's office hours (so 24 h on a Friday evening runs to Monday's close)."""
    if clock == Tier.Clock.CALENDAR:
        return Deadline(start + timedelta(hours=hours), False)
    office = timedelta(hours=hours * hours_per_working_day() / 24)
    return working_deadline(start, office, calendar)


def tier_deadlines(tier: Tier, start: datetime) -> Deadlines:
    calendar = Calendar()
    contact = limit_deadline(clock=tier.clock, hours=tier.first_contact_hours, start=start, calendar=calendar)
    closing = limit_deadline(clock=tier.clock, hours=tier.closing_hours, start=start, calendar=calendar)
    return Deadlines(contact.at, closing.at, contact.estimated or closing.estimated)


class DueFlags(NamedTuple):
    due: datetime | None
    due_soon: bool
    overdue: bool


def due_flags(report: Report, *, now: datetime) -> DueFlags:
    """The deadline that counts now (the first contact until it is made, then the closing), overdue
    once passed, due soon in the last fifth of its time limit."""
    due = report.current_due()
    if due is None:
        return DueFlags(None, False, False)
    overdue = due < now
    limit = max(due - report.clock_started_at, timedelta(0))
    return DueFlags(due, not overdue and due - now <= limit * DUE_SOON_SHARE, overdue)
