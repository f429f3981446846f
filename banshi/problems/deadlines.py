"""A tier's time limits as moments: emergencies in calendar hours, the others on the working calendar."""

from datetime import datetime, timedelta
from typing import NamedTuple

from banshi.problems.models import Tier
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
