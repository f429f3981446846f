"""Working-time arithmetic: deadlines counted in office hours (settings.OFFICE_HOURS) on the working
days of the Chinese calendar (banshi.worktime.calendar).

Each function also says whether a day of a year the calendar does not know was assumed to be a
Monday-to-Friday working day; callers store that as `deadline_estimated`."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from banshi.worktime.calendar import Calendar

# Ten years: far beyond any time limit the catalogue accepts; a longer walk is a programming error.
_MAX_DAYS = 3660


class Deadline(NamedTuple):
    at: datetime
    estimated: bool


class Span(NamedTuple):
    duration: timedelta
    estimated: bool


def _local(moment: datetime) -> datetime:
    """In the offices' time zone (settings.TIME_ZONE), whatever zone a request has activated."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def office_day_end(moment: datetime) -> datetime:
    """The midnight that ends the day of `moment` in the offices' time zone."""
    return datetime.combine(
        _local(moment).date() + timedelta(days=1), time(0), timezone.get_default_timezone()
    )


def office_hours() -> tuple[tuple[time, time], ...]:
    return settings.OFFICE_HOURS


def hours_per_working_day() -> float:
    return (
        sum(
            (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).total_seconds()
            for opens, closes in office_hours()
        )
        / 3600
    )


def working_deadline(start: datetime, duration: timedelta, calendar: Calendar | None = None) -> Deadline:
    """The moment `duration` of office time after `start` (an aware datetime). A negative duration
    counts back: a task that was already late when it was returned stays as late once corrected."""
    calendar = calendar or Calendar()
    if duration < timedelta(0):
        return _working_deadline_back(start, -duration, calendar)
    local = _local(start)
    tz = local.tzinfo
    day, cursor, remaining, estimated = local.date(), local, duration, False
    for _ in range(_MAX_DAYS):
        working, guessed = calendar.day(day)
        estimated |= guessed
        if working:
            for opens, closes in office_hours():
                begin = max(cursor, datetime.combine(day, opens, tz))
                end = datetime.combine(day, closes, tz)
                if begin >= end:
                    continue
                if begin + remaining <= end:
                    return Deadline(begin + remaining, estimated)
                remaining -= end - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), tz)
    raise ValueError("duration too long for the working calendar")


def _working_deadline_back(start: datetime, duration: timedelta, calendar: Calendar) -> Deadline:
    local = _local(start)
    tz = local.tzinfo
    day, cursor, remaining, estimated = local.date(), local, duration, False
    for _ in range(_MAX_DAYS):
        working, guessed = calendar.day(day)
        estimated |= guessed
        if working:
            for opens, closes in reversed(office_hours()):
                begin = datetime.combine(day, opens, tz)
                end = min(cursor, datetime.combine(day, closes, tz))
                if end <= begin:
                    continue
                if end - remaining >= begin:
                    return Deadline(end - remaining, estimated)
                remaining -= end - begin
        cursor = datetime.combine(day, time(0), tz)
        day -= timedelta(days=1)
    raise ValueError("duration too long for the working calendar")


def working_days_deadline(start: datetime, days: int, calendar: Calendar | None = None) -> Deadline:
    """A promise of `days` working days: the close of office hours on the `days`-th working day after
    the day of `start`. As in law (Civil Code art. 201, Administrative Licensing Law art. 82), the day
    a period begins is not counted and holidays are not working days, so whatever the hour of a
    submission, the resident gets `days` whole working days."""
    if days < 1:
        raise ValueError("a promise is at least one working day")
    calendar = calendar or Calendar()
    local = _local(start)
    day, counted, estimated = local.date(), 0, False
    for _ in range(_MAX_DAYS):
        day += timedelta(days=1)
        working, guessed = calendar.day(day)
        estimated |= guessed
        if working:
            counted += 1
            if counted == days:
                return Deadline(datetime.combine(day, office_hours()[-1][1], local.tzinfo), estimated)
    raise ValueError("too many days for the working calendar")


def working_span(start: datetime, end: datetime, calendar: Calendar | None = None) -> Span:
    """Office time from `start` to `end`; negative when `end` is earlier."""
    calendar = calendar or Calendar()
    if end < start:
        duration, estimated = working_span(end, start, calendar)
        return Span(-duration, estimated)
    local_start, local_end = _local(start), _local(end)
    tz = local_start.tzinfo
    total, estimated = timedelta(0), False
    day = local_start.date()
    while day <= local_end.date():
        working, guessed = calendar.day(day)
        estimated |= guessed
        if working:
            for opens, closes in office_hours():
                begin = max(local_start, datetime.combine(day, opens, tz))
                finish = min(local_end, datetime.combine(day, closes, tz))
                if finish > begin:
                    total += finish - begin
        day += timedelta(days=1)
    return Span(total, estimated)
