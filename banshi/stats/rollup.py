"""The facts behind the figures, counted per day, and the daily roll-up that keeps them.

`facts(source, first, last)` counts, straight from the domain tables, the cells of every measure of one
source on each day from `first` to `last` (both included, days of the offices' time zone). The roll-up
stores exactly those counts (`rollup_refresh`); the figures read the roll-up for the days before today and
count today live (`cells`), so a figure is the same function of the same facts whichever way it is read,
and `rollup_check` can compare the stored counts with a fresh count of any past day.

Each fact is counted on the day of the moment that defines it (submitted, completed, returned, rated,
connected, ended, number called, filed, due), and only facts whose moment is set once are counted, so the
counts of a day over do not change: the one exception is a task's deadline, which moves when the task is
returned and corrected; the worker therefore counts the last `RECOUNT_DAYS` days again each time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.fields.json import KT, KeyTextTransform
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases.models import Application, Correction, Rating, Task
from banshi.problems.events import EventType as ProblemEvent
from banshi.remote.models import CallRating, CallSession, QueueTicket
from banshi.stats.models import DailyCount, RolledUpDay
from banshi.worktime.calendar import Calendar
from banshi.worktime.hours import working_span

SOURCES = ("cases", "remote", "problems")
RECOUNT_DAYS = 7
# Durations to complete are counted in quarter hours of working time, rounded up: fine enough for a
# median in hours, coarse enough that a day's durations fall in a few dozen cells.
QUARTER = 15
AREA = "household.area"
AREA_KEY = f"values__{AREA}"


class Measure:
    SUBMITTED = "applications.submitted"
    COMPLETED = "applications.completed"
    COMPLETED_ON_TIME = "applications.completed_on_time"
    COMPLETION_QUARTERS = "applications.completion_quarters"
    RETURNED = "applications.returned"
    RATED = "applications.rated"
    TASKS_DUE = "tasks.due"
    TASKS_LATE = "tasks.late"
    CALLS = "calls.connected"
    CALL_MINUTES = "calls.minutes"
    WAIT_MINUTES = "calls.wait_minutes"
    CALL_RATED = "calls.rated"
    PROBLEMS_FILED = "problems.filed"


# The measures broken down by bundle (`group`), which a query for one bundle narrows.
BUNDLE_MEASURES = frozenset(
    {
        Measure.SUBMITTED,
        Measure.COMPLETED,
        Measure.COMPLETED_ON_TIME,
        Measure.COMPLETION_QUARTERS,
        Measure.RETURNED,
        Measure.RATED,
    }
)

MEASURES_OF = {
    "cases": (
        Measure.SUBMITTED,
        Measure.COMPLETED,
        Measure.COMPLETED_ON_TIME,
        Measure.COMPLETION_QUARTERS,
        Measure.RETURNED,
        Measure.RATED,
        Measure.TASKS_DUE,
        Measure.TASKS_LATE,
    ),
    "remote": (Measure.CALLS, Measure.CALL_MINUTES, Measure.WAIT_MINUTES, Measure.CALL_RATED),
    "problems": (Measure.PROBLEMS_FILED,),
}


@dataclass(frozen=True)
class Cell:
    day: date
    measure: str
    group: str = ""
    district: str = ""
    channel: str = ""
    bucket: int = 0


# --- days ------------------------------------------------------------------------------------------------


def _tz() -> timezone.tzinfo:  # type: ignore[name-defined]
    return timezone.get_default_timezone()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, _tz())


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, _tz()).date()


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return day_start(first), day_start(last + timedelta(days=1))


def district_of(area_code: object) -> str:
    """The district (six-digit GB/T 2260 code) of an area code of any level; "" when there is none."""
    if not isinstance(area_code, str) or len(area_code) < 6 or not area_code[:6].isdigit():
        return ""
    return area_code[:6]


def minutes_up(delta: timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds() / 60))


# --- the facts -------------------------------------------------------------------------------------------


def _cases(first: date, last: date) -> Iterator[Cell]:
    start, end = _bounds(first, last)
    for submitted_at, bundle, channel, area in (
        Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .order_by()
        .values_list("submitted_at", "bundle__code", "channel", KT(AREA_KEY))
        .iterator(chunk_size=5000)
    ):
        yield Cell(local_day(submitted_at), Measure.SUBMITTED, bundle, district_of(area), channel)
    calendar = Calendar()
    for submitted_at, completed_at, deadline, bundle, channel, area in (
        Application.objects.filter(
            status=Application.Status.COMPLETE, completed_at__gte=start, completed_at__lt=end
        )
        .order_by()
        .values_list("submitted_at", "completed_at", "deadline", "bundle__code", "channel", KT(AREA_KEY))
        .iterator(chunk_size=5000)
    ):
        day, district = local_day(completed_at), district_of(area)
        yield Cell(day, Measure.COMPLETED, bundle, district, channel)
        if completed_at <= deadline:
            yield Cell(day, Measure.COMPLETED_ON_TIME, bundle, district, channel)
        worked = working_span(submitted_at, completed_at, calendar).duration
        quarters = math.ceil(minutes_up(worked) / QUARTER)
        yield Cell(day, Measure.COMPLETION_QUARTERS, bundle, district, channel, quarters)
    for returned_at, bundle, channel, area in (
        Correction.objects.filter(returned_at__gte=start, returned_at__lt=end)
        .order_by()
        .values_list(
            "returned_at",
            "task__application__bundle__code",
            "task__application__channel",
            KeyTextTransform(AREA, "task__application__values"),
        )
        .iterator(chunk_size=5000)
    ):
        yield Cell(local_day(returned_at), Measure.RETURNED, bundle, district_of(area), channel)
    for created_at, level, bundle, channel, area in (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list(
            "created_at",
            "level",
            "application__bundle__code",
            "application__channel",
            KeyTextTransform(AREA, "application__values"),
        )
        .iterator(chunk_size=5000)
    ):
        yield Cell(local_day(created_at), Measure.RATED, bundle, district_of(area), channel, level)
    now = timezone.now()
    for deadline, decided_at, status, agency, area in (
        Task.objects.filter(deadline__gte=start, deadline__lt=min(end, max(now, start)))
        .order_by()
        .values_list(
            "deadline", "decided_at", "status", "agency__code", KeyTextTransform(AREA, "application__values")
        )
        .iterator(chunk_size=5000)
    ):
        if status == Task.Status.CANCELLED:
            continue
        day, district = local_day(deadline), district_of(area)
        yield Cell(day, Measure.TASKS_DUE, agency, district)
        if task_is_late(deadline=deadline, decided_at=decided_at, status=status):
            yield Cell(day, Measure.TASKS_LATE, agency, district)


def task_is_late(*, deadline: datetime, decided_at: datetime | None, status: str) -> bool:
    """Due by a moment already past, and decided after it or not decided at all (a cancelled task is
    never late; the caller counts only deadlines already past)."""
    if status in (Task.Status.APPROVED, Task.Status.REJECTED):
        return decided_at is not None and decided_at > deadline
    return status != Task.Status.CANCELLED


def late_tasks_filter(*, start: datetime, end: datetime, now: datetime) -> Q:
    """The tasks `task_is_late` counts for deadlines in [start, end), as a query, for the lists behind
    the number."""
    decided = Q(status__in=[Task.Status.APPROVED, Task.Status.REJECTED], decided_at__gt=F("deadline"))
    undecided = ~Q(status__in=[Task.Status.APPROVED, Task.Status.REJECTED, Task.Status.CANCELLED])
    return Q(deadline__gte=start, deadline__lt=min(end, max(now, start))) & (decided | undecided)


def _remote(first: date, last: date) -> Iterator[Cell]:
    start, end = _bounds(first, last)
    for connected_at, area in (
        CallSession.objects.filter(connected_at__gte=start, connected_at__lt=end)
        .order_by()
        .values_list("connected_at", "window__area__code")
        .iterator(chunk_size=5000)
    ):
        if connected_at is not None:
            yield Cell(local_day(connected_at), Measure.CALLS, district=district_of(area))
    for connected_at, ended_at, area in (
        CallSession.objects.filter(ended_at__gte=start, ended_at__lt=end, connected_at__isnull=False)
        .order_by()
        .values_list("connected_at", "ended_at", "window__area__code")
        .iterator(chunk_size=5000)
    ):
        if ended_at is None or connected_at is None:
            continue
        minutes = minutes_up(ended_at - connected_at)
        yield Cell(local_day(ended_at), Measure.CALL_MINUTES, district=district_of(area), bucket=minutes)
    for created_at, called_at, area in (
        QueueTicket.objects.filter(called_at__gte=start, called_at__lt=end)
        .order_by()
        .values_list("created_at", "called_at", "window__area__code")
        .iterator(chunk_size=5000)
    ):
        if called_at is None:
            continue
        minutes = minutes_up(called_at - created_at)
        yield Cell(local_day(called_at), Measure.WAIT_MINUTES, district=district_of(area), bucket=minutes)
    for created_at, level, area in (
        CallRating.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("created_at", "level", "session__window__area__code")
        .iterator(chunk_size=5000)
    ):
        yield Cell(local_day(created_at), Measure.CALL_RATED, district=district_of(area), bucket=level)


def _problems(first: date, last: date) -> Iterator[Cell]:
    """Reports filed, by the district and category the filing recorded; a report marked a duplicate by
    the end of the day it was filed is left out (its original counts), as the problems' own figures do."""
    start, end = _bounds(first, last)
    duplicates: dict[str, datetime] = dict(
        Event.objects.filter(
            subject_type="problems.report",
            event_type=ProblemEvent.REPORT_MARKED_DUPLICATE,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values_list("subject_id", "created_at")
    )
    for subject_id, created_at, district, category in (
        Event.objects.filter(
            subject_type="problems.report",
            event_type=ProblemEvent.REPORT_FILED,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values_list("subject_id", "created_at", KT("extra__district"), KT("extra__category"))
        .iterator(chunk_size=5000)
    ):
        if not counted_as_filed(created_at, duplicates.get(subject_id)):
            continue
        yield Cell(local_day(created_at), Measure.PROBLEMS_FILED, category or "", district_of(district))


def counted_as_filed(filed_at: datetime, marked_duplicate_at: datetime | None) -> bool:
    """Whether a filed report counts as filed: not when it was marked a duplicate by the end of the day it
    was filed (its original counts), as the problems' own figures count it."""
    return marked_duplicate_at is None or local_day(marked_duplicate_at) != local_day(filed_at)


_FACTS = {"cases": _cases, "remote": _remote, "problems": _problems}


# The district of a cell that counts the whole city: every fact is counted once in its district and once
# in the city's cell, so that a city-wide figure reads a few cells per day rather than one per district.
CITY = "*"


def facts(source: str, first: date, last: date) -> Counter[Cell]:
    """The live count of every cell of `source` on the days from `first` to `last`, each fact in its
    district's cell and in the city's. Only the applications submitted keep their channel: no figure
    breaks the others down by it."""
    counted: Counter[Cell] = Counter()
    for cell in _FACTS[source](first, last):
        if cell.channel and cell.measure != Measure.SUBMITTED:
            cell = replace(cell, channel="")
        counted[cell] += 1
        counted[replace(cell, district=CITY)] += 1
    return counted


# --- the roll-up -----------------------------------------------------------------------------------------


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@transaction.atomic
def rollup_refresh(*, source: str, first: date, last: date, now: datetime | None = None) -> int:
    """Count the days from `first` to `last` of `source` again and store them (replacing what was
    stored). Safe to run twice or at once: the rows of the days are replaced in one transaction.
    Returns the number of cells stored."""
    now = now or timezone.now()
    counted = facts(source, first, last)
    DailyCount.objects.filter(measure__in=MEASURES_OF[source], day__gte=first, day__lte=last).delete()
    DailyCount.objects.bulk_create(
        (
            DailyCount(
                day=cell.day,
                measure=cell.measure,
                group=cell.group,
                district=cell.district,
                channel=cell.channel,
                bucket=cell.bucket,
                count=count,
            )
            for cell, count in counted.items()
        ),
        batch_size=2000,
    )
    days = list(_days(first, last))
    RolledUpDay.objects.filter(source=source, day__gte=first, day__lte=last).delete()
    RolledUpDay.objects.bulk_create(
        [RolledUpDay(day=day, source=source, refreshed_at=now) for day in days], batch_size=2000
    )
    return len(counted)


def missing_days(*, source: str, first: date, last: date) -> list[date]:
    done = set(
        RolledUpDay.objects.filter(source=source, day__gte=first, day__lte=last).values_list("day", flat=True)
    )
    return [day for day in _days(first, last) if day not in done]


def rollup_fill(*, first: date, last: date) -> None:
    """Roll up the days of [first, last] that are not rolled up yet (the pages ask for it on demand, the
    worker ahead of them), each missing stretch in one pass."""
    for source in SOURCES:
        missing = missing_days(source=source, first=first, last=last)
        for stretch_first, stretch_last in _stretches(missing):
            try:
                rollup_refresh(source=source, first=stretch_first, last=stretch_last)
            except IntegrityError:
                # Another request (or the worker) rolled the same days up at the same moment: its
                # counts are the same facts', and they are there now.
                continue


def _stretches(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    run: list[date] = []
    for day in days:
        if run and day != run[-1] + timedelta(days=1):
            yield run[0], run[-1]
            run = []
        run.append(day)
    if run:
        yield run[0], run[-1]


def rollup_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The worker's round: count the last RECOUNT_DAYS days before today again (late corrections move
    deadlines) and roll up any earlier day never rolled up since the first fact."""
    now = now or timezone.now()
    yesterday = local_day(now) - timedelta(days=1)
    stored = {}
    for source in SOURCES:
        stored[source] = rollup_refresh(
            source=source, first=yesterday - timedelta(days=RECOUNT_DAYS - 1), last=yesterday, now=now
        )
    earliest = first_fact_day()
    if earliest is not None and earliest <= yesterday:
        rollup_fill(first=earliest, last=yesterday)
    return stored


def first_fact_day() -> date | None:
    moments = [
        Application.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first(),
        CallSession.objects.order_by("created_at").values_list("created_at", flat=True).first(),
        Event.objects.filter(subject_type="problems.report")
        .order_by("id")
        .values_list("created_at", flat=True)
        .first(),
    ]
    days = [local_day(moment) for moment in moments if moment is not None]
    return min(days) if days else None


@dataclass(frozen=True)
class Difference:
    source: str
    day: date
    cell: Cell
    stored: int
    live: int


def rollup_check(*, first: date, last: date) -> list[Difference]:
    """Every cell of a rolled-up day from `first` to `last` whose stored count differs from a fresh
    count (empty when the roll-up equals the live count)."""
    differences: list[Difference] = []
    for source in SOURCES:
        live = facts(source, first, last)
        done = set(
            RolledUpDay.objects.filter(source=source, day__gte=first, day__lte=last).values_list(
                "day", flat=True
            )
        )
        stored: Counter[Cell] = Counter()
        for row in DailyCount.objects.filter(
            measure__in=MEASURES_OF[source], day__gte=first, day__lte=last
        ).values_list("day", "measure", "group", "district", "channel", "bucket", "count"):
            stored[Cell(*row[:6])] = row[6]
        for cell in set(live) | set(stored):
            if cell.day in done and live[cell] != stored[cell]:
                differences.append(Difference(source, cell.day, cell, stored[cell], live[cell]))
        for day in _days(first, last):
            if day not in done:
                differences.append(Difference(source, day, Cell(day, "(not rolled up)"), 0, 0))
    return sorted(differences, key=lambda d: (d.day, d.source, d.cell.measure))
