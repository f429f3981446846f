"""Working-hour arithmetic: deadlines counted in office hours, Monday to Friday."""

from datetime import datetime, time, timedelta

from django.utils import timezone

OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))


def is_working_day(day) -> bool:
    return day.weekday() < 5


def add_working_time(start: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of office time after `start` (an aware datetime)."""
    local = timezone.localtime(start)
    remaining = duration
    day = local.date()
    cursor = local
    tz = local.tzinfo
    for _ in range(3660):
        if is_working_day(day):
            for opens, closes in OFFICE_HOURS:
                begin = max(cursor, datetime.combine(day, opens, tz))
                end = datetime.combine(day, closes, tz)
                if begin >= end:
                    continue
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0, 0), tz)
    raise ValueError("duration too long for the working calendar")


def add_working_hours(start: datetime, hours: float) -> datetime:
    return add_working_time(start, timedelta(hours=hours))


def hours_per_working_day() -> float:
    return (
        sum(
            (datetime.combine(datetime.min, closes) - datetime.combine(datetime.min, opens)).total_seconds()
            for opens, closes in OFFICE_HOURS
        )
        / 3600
    )


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Office time from `start` to `end`; negative when `end` is earlier."""
    if end < start:
        return -working_time_between(end, start)
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    tz = local_start.tzinfo
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if is_working_day(day):
            for opens, closes in OFFICE_HOURS:
                begin = max(local_start, datetime.combine(day, opens, tz))
                finish = min(local_end, datetime.combine(day, closes, tz))
                if finish > begin:
                    total += finish - begin
        day += timedelta(days=1)
    return total
