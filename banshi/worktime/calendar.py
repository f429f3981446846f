"""Which days have office hours, on the Chinese calendar.

A day is judged by, in order: the administrators' overrides (`CalendarOverride`), the chinese-calendar
package (the State Council's holidays and make-up working days; version 1.11 knows 2004-2026), and for a
year neither knows, Monday to Friday. That last answer is a guess, and it says so: `day()` returns
whether it was estimated, so that a deadline counted through such a year is flagged, never refused."""

import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import chinese_calendar

_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Overrides:
    working: dict[date, bool]
    years: frozenset[int]


_cache: tuple[float, Overrides] | None = None


def overrides() -> Overrides:
    """Every override, read once a minute per process: deadlines are computed on every submission.
    Saving or deleting one in this process clears the copy at once (see apps.py)."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > _CACHE_SECONDS:
        from banshi.worktime.models import CalendarOverride

        rows = CalendarOverride.objects.values_list("date", "kind")
        working = {day: kind == CalendarOverride.Kind.WORKDAY for day, kind in rows}
        _cache = (now, Overrides(working=working, years=frozenset(day.year for day in working)))
    return _cache[1]


def clear_calendar_cache(**kwargs: Any) -> None:
    global _cache
    _cache = None


@lru_cache(maxsize=8192)
def _package_working(day: date) -> bool | None:
    """The package's answer, or None for a year it does not know."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class Calendar:
    """A snapshot of the calendar: one (cached) read of the overrides, then no query per day."""

    def __init__(self, known: Overrides | None = None) -> None:
        self.known = known if known is not None else overrides()

    def day(self, day: date) -> tuple[bool, bool]:
        """(whether `day` has office hours, whether that is a Monday-to-Friday estimate)."""
        working = self.known.working.get(day)
        if working is not None:
            return working, False
        working = _package_working(day)
        if working is not None:
            return working, False
        return day.weekday() < 5, day.year not in self.known.years


def is_working_day(day: date) -> bool:
    return Calendar().day(day)[0]
