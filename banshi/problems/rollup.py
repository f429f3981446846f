"""The statistics' daily roll-up: the figures of `banshi.problems.stats`, with the same definitions, read
from tables of counts per day instead of from every audit event, so that the public page takes the same
few queries and about the same time at a million reports as at a hundred.

A figure of a period [start, end) counts events recorded in it and judges each by what was recorded
before the end. Periods begin and end at midnight, so each such judgement is a comparison of days, and
the roll-up keeps, for each event, the day of the later event that would change it:

- any event: the day its report was marked a duplicate (left out of periods ending after that day);
- a filing: the day of the report's first dispatch (dispatched when that day is before the end);
- a dispatch: the day of the report's previous dispatch to the same unit (the report counts once in a
  period: the dispatch counts when the previous one is before the start);
- a closing: the day of the callback answer or reopening after it, and the first day whose midnight is
  7 days after it (not reached in a period ending on or after that day, unless answered before the end);
- a callback answer: the day of the reopening after it (solved unless reopened before the end).

Events of one day with the same days are one row (`StatsDay`) with their number; the minutes to first
contact and to closing are counted per day and minute (`StatsMinutes`) and in buckets of about a
twelfth of their value (`StatsMinuteBucket`): a period's median is found in the buckets, then read
exactly in the minutes of its bucket.

`stats_rollup_refresh` (the worker's task `refresh_problem_stats_task`, or `manage.py problem_stats
--refresh`, every few minutes) rolls up every event up to the latest (today's too): each report with
events since the last refresh has its rows corrected, its facts as they are now added and as they were
taken away (a callback answering an old closing, a duplicate marking). The page (`problems_stats_rolled`)
adds to the rows what they do not know yet, computed from the audit events at once: the reports with
events since the refresh (so a new event shows at once), and in a period not over, the closings whose 7
days ended earlier today (the rows know their day, not their minute). So its figures equal
`problems_stats`' for any period at any moment; `stats_rollup_check` (`manage.py problem_stats
--check`) compares the two.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from banshi.audit.models import Event
from banshi.problems.events import EventType
from banshi.problems.models import (
    Callback,
    StatsDay,
    StatsMinuteBucket,
    StatsMinuteMonth,
    StatsMinutes,
    StatsRollup,
)
from banshi.problems.stats import (
    NO_ANSWER_AFTER,
    REPORT,
    Figures,
    Period,
    Stats,
    _events,
    _later,
    problems_solved,
    problems_stats,
    stats_assemble,
    unit_rows,
)

Kind = StatsDay.Kind
CONTACT, CLOSE = 1, 2
# Events that make a day's rows, and those that may change how they count.
COUNTED = [
    EventType.REPORT_FILED,
    EventType.REPORT_DISPATCHED,
    EventType.REPORT_CONTACTED,
    EventType.REPORT_CLOSED,
    EventType.REPORT_CALLED_BACK,
]
NEEDED = [*COUNTED, EventType.REPORT_REOPENED, EventType.REPORT_MARKED_DUPLICATE]
SATISFACTIONS = {choice.value for choice in Callback.Satisfaction}
CHUNK_DAYS = 7
BATCH = 5000
# More new events than this since the last refresh (a bulk load): every day is rolled up afresh.
REBUILD_OVER = 200_000


# --- days -------------------------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), timezone.get_current_timezone())


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(timezone.get_default_timezone()).date()


def _first_midnight_from(moment: datetime) -> date:
    """The day whose midnight is the first at or after `moment`."""
    local = moment.astimezone(timezone.get_default_timezone())
    day = local.date()
    return day if local.time() == datetime.min.time() else day + timedelta(days=1)


SPLIT = 6  # 2**SPLIT buckets a doubling
SMALL = 2 << SPLIT  # minutes below this are each their own bucket


def bucket_of(minutes: int) -> int:
    """Below 128 each minute its own bucket; above, 64 buckets a doubling (about 1 % of the value)."""
    if minutes < SMALL:
        return minutes
    bits = minutes.bit_length()
    return SMALL + (bits - SPLIT - 2) * (1 << SPLIT) + ((minutes >> (bits - SPLIT - 1)) & ((1 << SPLIT) - 1))


def bucket_range(bucket: int) -> tuple[int, int]:
    """The first and the last minute of a bucket."""
    if bucket < SMALL:
        return bucket, bucket
    bits, step = (bucket - SMALL) // (1 << SPLIT) + SPLIT + 2, (bucket - SMALL) % (1 << SPLIT)
    low = ((1 << SPLIT) + step) << (bits - SPLIT - 1)
    return low, low + (1 << (bits - SPLIT - 1)) - 1


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- facts: what one event contributes, with the moments that judge it --------------------------------------


@dataclass(slots=True)
class Fact:
    kind: int
    at: datetime
    unit: str
    duplicate_at: datetime | None
    later_at: datetime | None = None
    on_time: bool = False
    solved: bool = False
    satisfaction: str = ""


@dataclass(slots=True)
class MinuteFact:
    which: int
    at: datetime
    unit: str
    duplicate_at: datetime | None
    minutes: int


Row = tuple[Any, ...]  # an event of the audit log: id, subject_id, event_type, created_at, extra


def _unit(extra: dict) -> str:
    value = extra.get("unit")
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _events_of(subjects: Q, *, upto: int | None = None) -> dict[str, list[Row]]:
    """The events that matter of the reports `subjects` selects, by report, in the order recorded."""
    found = Event.objects.filter(subject_type=REPORT, event_type__in=NEEDED).filter(subjects)
    if upto is not None:
        found = found.filter(id__lte=upto)
    by_subject: dict[str, list[Row]] = defaultdict(list)
    for row in found.order_by().values_list("id", "subject_id", "event_type", "created_at", "extra"):
        by_subject[row[1]].append(row)
    for rows in by_subject.values():
        rows.sort(key=lambda row: (row[3], row[0]))
    return by_subject


def _facts(
    rows: list[Row], counted: Callable[[datetime], bool], *, upto: int | None = None
) -> tuple[list[Fact], list[MinuteFact]]:
    """The facts of one report's events recorded at a moment `counted` accepts, judged by its events up
    to the id `upto` (all when None)."""
    if upto is not None:
        rows = [row for row in rows if row[0] <= upto]
    duplicate_at = next((row[3] for row in rows if row[2] == EventType.REPORT_MARKED_DUPLICATE), None)
    first_dispatch = next((row[3] for row in rows if row[2] == EventType.REPORT_DISPATCHED), None)
    facts: list[Fact] = []
    minutes: list[MinuteFact] = []
    last_dispatch: dict[str, datetime] = {}
    for index, (_id, _subject, event_type, at, extra) in enumerate(rows):
        extra = extra if isinstance(extra, dict) else {}
        if event_type == EventType.REPORT_DISPATCHED:
            unit = _unit(extra)
            if counted(at):
                facts.append(Fact(Kind.DISPATCHED, at, unit, duplicate_at, last_dispatch.get(unit)))
            last_dispatch[unit] = at
            continue
        if event_type not in COUNTED or not counted(at):
            continue
        if event_type == EventType.REPORT_FILED:
            facts.append(Fact(Kind.FILED, at, "", duplicate_at, first_dispatch))
            continue
        unit = _unit(extra)
        if event_type == EventType.REPORT_CALLED_BACK:
            reopened = _next(rows, index, at, {EventType.REPORT_REOPENED})
            satisfaction = extra.get("satisfaction")
            facts.append(
                Fact(
                    Kind.CALLED_BACK,
                    at,
                    unit,
                    duplicate_at,
                    reopened,
                    solved=extra.get("solved") is True,
                    satisfaction=satisfaction if satisfaction in SATISFACTIONS else "",
                )
            )
            continue
        on_time = extra.get("on_time") is True
        if event_type == EventType.REPORT_CONTACTED:
            if "on_time" in extra:
                facts.append(Fact(Kind.CONTACTED, at, unit, duplicate_at, on_time=on_time))
            which = CONTACT
        else:
            facts.append(Fact(Kind.CLOSED, at, unit, duplicate_at, on_time=on_time))
            reached = _next(rows, index, at, {EventType.REPORT_CALLED_BACK, EventType.REPORT_REOPENED})
            facts.append(Fact(Kind.UNREACHED, at, unit, duplicate_at, reached))
            which = CLOSE
        if "minutes" in extra:
            minutes.append(MinuteFact(which, at, unit, duplicate_at, int(extra["minutes"])))
    return facts, minutes


def _next(rows: list[Row], index: int, at: datetime, types: set[str]) -> datetime | None:
    """When the first event of `types` after rows[index] (strictly later) was recorded."""
    return next((row[3] for row in rows[index + 1 :] if row[2] in types and row[3] > at), None)


def _solved(rows: list[Row], *, upto: int | None = None) -> bool:
    """Whether the report counts in the running counter (as `problems_solved` judges it)."""
    solved_at = reopened_at = None
    for row_id, _subject, event_type, at, extra in rows:
        if upto is not None and row_id > upto:
            continue
        if event_type == EventType.REPORT_MARKED_DUPLICATE:
            return False
        if (
            event_type == EventType.REPORT_CALLED_BACK
            and isinstance(extra, dict)
            and extra.get("solved") is True
        ):
            solved_at = at if solved_at is None else max(solved_at, at)
        elif event_type == EventType.REPORT_REOPENED:
            reopened_at = at if reopened_at is None else max(reopened_at, at)
    return solved_at is not None and (reopened_at is None or reopened_at < solved_at)


# --- rows: facts counted by day ---------------------------------------------------------------------------


def _day_key(fact: Fact) -> tuple | None:
    later = _day(fact.later_at)
    due = None
    if fact.kind == Kind.UNREACHED:
        due = _first_midnight_from(fact.at + NO_ANSWER_AFTER)
        if later is not None and later < due:
            return None  # answered before any period could count it as not reached
    return (
        _day(fact.at),
        int(fact.kind),
        fact.unit,
        fact.on_time,
        fact.solved,
        fact.satisfaction,
        _day(fact.duplicate_at),
        later,
        due,
    )


DAY_FIELDS = (
    "day",
    "kind",
    "unit",
    "on_time",
    "solved",
    "satisfaction",
    "duplicate_day",
    "later_day",
    "due_day",
)
MINUTE_FIELDS = ("day", "which", "unit", "duplicate_day", "minutes")
BUCKET_FIELDS = ("day", "which", "unit", "duplicate_day", "bucket")
MONTH_FIELDS = ("month", "which", "unit", "duplicate_day", "bucket")


@dataclass
class Counts:
    """Rows of the three tables, by key, with their numbers."""

    days: Counter
    minutes: Counter
    buckets: Counter
    months: Counter

    @classmethod
    def empty(cls) -> Counts:
        return cls(Counter(), Counter(), Counter(), Counter())

    def add(self, facts: Iterable[Fact], minutes: Iterable[MinuteFact], weight: int = 1) -> None:
        for fact in facts:
            key = _day_key(fact)
            if key is not None:
                self.days[key] += weight
        for item in minutes:
            base = (_day(item.at), item.which, item.unit, _day(item.duplicate_at))
            self.add_minutes(base, item.minutes, weight)

    def add_minutes(self, base: tuple, minutes: int, weight: int) -> None:
        """`base`: the day, which, the unit and the duplicate's day."""
        bucket = bucket_of(minutes)
        self.minutes[(*base, minutes)] += weight
        self.buckets[(*base, bucket)] += weight
        self.months[(_month(base[0]), *base[1:], bucket)] += weight

    def write(self) -> None:
        tables: list[tuple[Any, tuple[str, ...], Counter]] = [
            (StatsDay, DAY_FIELDS, self.days),
            (StatsMinutes, MINUTE_FIELDS, self.minutes),
            (StatsMinuteBucket, BUCKET_FIELDS, self.buckets),
            (StatsMinuteMonth, MONTH_FIELDS, self.months),
        ]
        for model, fields, counts in tables:
            items = [
                model(**dict(zip(fields, key, strict=True)), count=number)
                for key, number in counts.items()
                if number
            ]
            model.objects.bulk_create(items, batch_size=BATCH)

    def touched(self) -> set[date]:
        return {key[0] for counts in (self.days, self.minutes, self.buckets) for key in counts}


def _build_days(first: date, last: date, *, upto: int, progress: Callable[[date], None] | None = None) -> int:
    """Roll up the days first … last - 1 afresh (their rows are missing), judged by events up to `upto`;
    how many events were read."""
    read = 0
    day = first
    while day < last:
        stop = min(last, day + timedelta(days=CHUNK_DAYS))
        start_at, stop_at = _midnight(day), _midnight(stop)
        # The reports first, then their events by the index on the report (a subquery would make
        # PostgreSQL read the whole table).
        subjects = sorted(
            set(
                Event.objects.filter(
                    subject_type=REPORT,
                    event_type__in=COUNTED,
                    created_at__gte=start_at,
                    created_at__lt=stop_at,
                    id__lte=upto,
                ).values_list("subject_id", flat=True)
            )
        )
        counts = Counts.empty()

        def counted(at: datetime, start_at: datetime = start_at, stop_at: datetime = stop_at) -> bool:
            return start_at <= at < stop_at

        for offset in range(0, len(subjects), BATCH):
            batch = subjects[offset : offset + BATCH]
            for rows in _events_of(Q(subject_id__in=batch), upto=upto).values():
                read += len(rows)
                counts.add(*_facts(rows, counted))
        counts.write()
        if progress is not None:
            progress(stop)
        day = stop
    return read


def _told(
    progress: Callable[[date, date, date], None] | None, first: date, last: date
) -> Callable[[date], None] | None:
    if progress is None:
        return None
    return lambda done: progress(first, done, last)


def _compact_table(model: Any, fields: tuple[str, ...], column: str, values: list[date]) -> None:
    """The rows of `model` whose `column` is one of `values`, added up by key (`fields`), those adding up
    to nothing left out: in one statement on PostgreSQL."""
    if not values:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE {column} = ANY(%s) RETURNING {columns}, count) "  # noqa: S608 (names from the models)
                f"INSERT INTO {table} ({columns}, count) SELECT {columns}, SUM(count) FROM gone "
                f"GROUP BY {columns} HAVING SUM(count) <> 0",
                [values],
            )
        return
    found = model.objects.filter(**{f"{column}__in": values})
    sums = list(found.values(*fields).annotate(total=Sum("count")).order_by())
    found.delete()
    model.objects.bulk_create(
        [
            model(**{name: item[name] for name in fields}, count=item["total"])
            for item in sums
            if item["total"]
        ],
        batch_size=BATCH,
    )


def _compact_months(months: list[date]) -> None:
    _compact_table(StatsMinuteMonth, MONTH_FIELDS, "month", months)


def _compact(days: set[date]) -> None:
    """The rows of `days` (and of their months) added up by key, those adding up to nothing left out."""
    if not days:
        return
    _compact_months(sorted({_month(day) for day in days}))
    for model, fields in (
        (StatsDay, DAY_FIELDS),
        (StatsMinutes, MINUTE_FIELDS),
        (StatsMinuteBucket, BUCKET_FIELDS),
    ):
        _compact_table(model, fields, "day", sorted(days))


def stats_rollup_refresh(
    *,
    now: datetime | None = None,
    rebuild: bool = False,
    progress: Callable[[date, date, date], None] | None = None,
) -> dict[str, Any]:
    """Bring the roll-up up to the latest event: each report with events since the last refresh has its
    rows corrected (its facts as they are now added, as they were taken away). The first time, after a
    bulk load, or with `rebuild`, every day is rolled up afresh. Any number may run at once (one waits
    for the other). `progress(first, done, last)` is told of each stretch of days rolled up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        StatsRollup.objects.get_or_create(pk=1)
        state = StatsRollup.objects.select_for_update().get(pk=1)
        top = Event.objects.aggregate(top=Max("id"))["top"] or 0
        result: dict[str, Any] = {"rebuilt": False, "days": 0, "reports_corrected": 0, "events_read": 0}
        if rebuild or state.through is None or top - state.last_event_id > REBUILD_OVER:
            for model in (StatsDay, StatsMinutes, StatsMinuteBucket, StatsMinuteMonth):
                model.objects.all().delete()
            found = Event.objects.filter(subject_type=REPORT, event_type__in=COUNTED, id__lte=top).aggregate(
                first=Min("created_at"), last=Max("created_at")
            )
            first = timezone.localdate(found["first"]) if found["first"] is not None else today
            last = max(today, timezone.localdate(found["last"]) if found["last"] is not None else today)
            last += timedelta(days=1)
            result["events_read"] = _build_days(first, last, upto=top, progress=_told(progress, first, last))
            # A month's buckets were written a week at a time: one row a key.
            month = _month(first)
            while month < last:
                _compact_months([month])
                month = _next_month(month)
            result.update(rebuilt=True, days=(last - first).days)
            state.solved = problems_solved(upto_id=top)
        else:
            changed = Event.objects.filter(
                subject_type=REPORT, event_type__in=NEEDED, id__gt=state.last_event_id, id__lte=top
            ).values("subject_id")
            counts = Counts.empty()
            for rows in _events_of(Q(subject_id__in=changed), upto=top).values():
                result["events_read"] += len(rows)
                result["reports_corrected"] += 1
                counts.add(*_facts(rows, _always))
                counts.add(*_facts(rows, _always, upto=state.last_event_id), weight=-1)
                state.solved += int(_solved(rows)) - int(_solved(rows, upto=state.last_event_id))
            counts.write()
            _compact(counts.touched())
        state.through = today
        state.last_event_id = top
        state.refreshed_at = now
        state.save()
    result["last_event_id"] = top
    return result


def _always(_at: datetime) -> bool:
    return True


# --- a period's figures from the rows and the events since ------------------------------------------------


@dataclass
class _Tally:
    """A period's counts as they are gathered: per unit, and the city's filings."""

    units: dict[str, Counter]
    present: Counter
    received: int = 0
    dispatched: int = 0

    @classmethod
    def empty(cls) -> _Tally:
        return cls(defaultdict(Counter), Counter())


def _tally_facts(
    tally: _Tally,
    facts: Iterable[Fact],
    *,
    start: datetime,
    end: datetime,
    due: Callable[[Fact], bool],
    weight: int = 1,
    only_unreached: bool = False,
) -> None:
    """What `facts` add to the figures of [start, end), as `problems_stats` counts them."""
    for fact in facts:
        if fact.duplicate_at is not None and fact.duplicate_at < end:
            continue
        kind, later = fact.kind, fact.later_at
        if only_unreached and kind != Kind.UNREACHED:
            continue
        if kind == Kind.FILED:
            tally.received += weight
            if later is not None and later < end:
                tally.dispatched += weight
            continue
        counts = tally.units[fact.unit]
        if kind == Kind.UNREACHED:
            if due(fact) and (later is None or later >= end):
                counts["not_reached"] += weight
            continue
        tally.present[fact.unit] += weight
        if kind == Kind.DISPATCHED:
            if later is None or later < start:
                counts["received"] += weight
        elif kind == Kind.CONTACTED:
            counts["contacted"] += weight
            counts["contacted_on_time"] += weight * fact.on_time
        elif kind == Kind.CLOSED:
            counts["closed"] += weight
            counts["closed_on_time"] += weight * fact.on_time
        elif kind == Kind.CALLED_BACK:
            counts["called_back"] += weight
            if fact.solved and (later is None or later >= end):
                counts["solved"] += weight
            if fact.satisfaction:
                counts[fact.satisfaction] += weight


def _tally_rows(tally: _Tally, *, first: date, stop: date, end_day: date, due_by: date) -> None:
    """What the rolled-up rows of the days first … stop - 1 add to the figures of a period ending at the
    midnight of `end_day`: its closings count as not reached up to the due day `due_by`."""
    found = (
        StatsDay.objects.filter(day__gte=first, day__lt=stop)
        .filter(Q(duplicate_day__isnull=True) | Q(duplicate_day__gte=end_day))
        .values("kind", "unit")
        .annotate(
            number=Sum("count"),
            dispatched=Sum("count", filter=Q(later_day__lt=end_day)),
            first_sent=Sum("count", filter=Q(later_day__isnull=True) | Q(later_day__lt=first)),
            on_time=Sum("count", filter=Q(on_time=True)),
            unreached=Sum(
                "count",
                filter=Q(due_day__lte=due_by) & (Q(later_day__isnull=True) | Q(later_day__gte=end_day)),
            ),
            solved=Sum(
                "count", filter=Q(solved=True) & (Q(later_day__isnull=True) | Q(later_day__gte=end_day))
            ),
            satisfied=Sum("count", filter=Q(satisfaction=Callback.Satisfaction.SATISFIED)),
            fairly=Sum("count", filter=Q(satisfaction=Callback.Satisfaction.FAIRLY_SATISFIED)),
            dissatisfied=Sum("count", filter=Q(satisfaction=Callback.Satisfaction.DISSATISFIED)),
        )
        .order_by()
    )
    for found_item in found:
        item: dict[str, Any] = dict(found_item)
        kind, unit = item["kind"], item["unit"]
        value = {name: item[name] or 0 for name in item if name not in ("kind", "unit")}
        if kind == Kind.FILED:
            tally.received += value["number"]
            tally.dispatched += value["dispatched"]
            continue
        counts = tally.units[unit]
        if kind == Kind.UNREACHED:
            counts["not_reached"] += value["unreached"]
            continue
        tally.present[unit] += value["number"]
        if kind == Kind.DISPATCHED:
            counts["received"] += value["first_sent"]
        elif kind == Kind.CONTACTED:
            counts["contacted"] += value["number"]
            counts["contacted_on_time"] += value["on_time"]
        elif kind == Kind.CLOSED:
            counts["closed"] += value["number"]
            counts["closed_on_time"] += value["on_time"]
        elif kind == Kind.CALLED_BACK:
            counts["called_back"] += value["number"]
            counts["solved"] += value["solved"]
            counts[Callback.Satisfaction.SATISFIED] += value["satisfied"]
            counts[Callback.Satisfaction.FAIRLY_SATISFIED] += value["fairly"]
            counts[Callback.Satisfaction.DISSATISFIED] += value["dissatisfied"]


TOTAL = None  # the key of the whole city's minutes


def _medians(
    live: Iterable[tuple[MinuteFact, int]], *, first: date, stop: date, end: datetime, end_day: date
) -> dict[tuple[int, str | None], float]:
    """The median minutes of each unit and of the city, to first contact (1) and to closing (2): the
    buckets of the rolled-up days and of the `live` minutes (with their weights) say where each median
    lies, the minutes of those buckets say which it is."""
    not_duplicate = Q(duplicate_day__isnull=True) | Q(duplicate_day__gte=end_day)
    coarse: dict[tuple[int, str | None], Counter] = defaultdict(Counter)
    fine_live: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for item, weight in live:
        if item.duplicate_at is not None and item.duplicate_at < end:
            continue
        for one in (item.unit, TOTAL):
            coarse[(item.which, one)][bucket_of(item.minutes)] += weight
        fine_live[(item.which, item.unit)][item.minutes] += weight
    if first < stop:
        # The whole months of the days from the monthly buckets, the days around them from the daily.
        whole_from = first if first.day == 1 else _next_month(first)
        whole_to = _month(stop)
        if whole_from < whole_to:
            months = StatsMinuteMonth.objects.filter(month__gte=whole_from, month__lt=whole_to)
            days = StatsMinuteBucket.objects.filter(
                Q(day__gte=first, day__lt=whole_from) | Q(day__gte=whole_to, day__lt=stop)
            )
        else:
            months, days = (
                StatsMinuteMonth.objects.none(),
                StatsMinuteBucket.objects.filter(day__gte=first, day__lt=stop),
            )
        found = [
            row
            for table in (months, days)
            for row in table.filter(not_duplicate)
            .values_list("which", "unit", "bucket")
            .annotate(number=Sum("count"))
            .order_by()
        ]
        for which, unit, bucket, number in found:
            coarse[(which, unit)][bucket] += number
            coarse[(which, TOTAL)][bucket] += number
    wanted: dict[tuple[int, str | None], list[tuple[int, int]]] = {}  # (bucket, rank in it) per median
    for key, buckets in coarse.items():
        size = sum(buckets.values())
        if size <= 0:
            continue
        ranks = [(size + 1) // 2] if size % 2 else [size // 2, size // 2 + 1]
        places = []
        for rank in ranks:
            seen = 0
            for bucket in sorted(buckets):
                if seen + buckets[bucket] >= rank:
                    places.append((bucket, rank - seen))
                    break
                seen += buckets[bucket]
        wanted[key] = places
    units_of = defaultdict(set)
    for which, unit in coarse:
        if unit is not TOTAL:
            units_of[which].add(unit)
    # The minutes of each median's bucket: of its unit, or of every unit for the city's.
    ranges: dict[tuple[int, int, int], set[str]] = defaultdict(set)
    for (which, unit), places in wanted.items():
        for bucket, _rank in places:
            low, high = bucket_range(bucket)
            ranges[(which, low, high)] |= {unit} if unit is not TOTAL else units_of[which]
    fine: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for key, counts in fine_live.items():
        fine[key].update(counts)
    if ranges and first < stop:
        condition = Q()
        for (which, low, high), units in sorted(ranges.items()):
            condition |= Q(which=which, unit__in=sorted(units), minutes__gte=low, minutes__lte=high)
        for which, unit, minutes, number in (
            StatsMinutes.objects.filter(condition)
            .filter(not_duplicate, day__gte=first, day__lt=stop)
            .values_list("which", "unit", "minutes")
            .annotate(number=Sum("count"))
            .order_by()
        ):
            fine[(which, unit)][minutes] += number
    medians = {}
    for (which, unit), places in wanted.items():
        values = []
        for bucket, rank in places:
            low, high = bucket_range(bucket)
            inside: Counter = Counter()
            for one in [unit] if unit is not TOTAL else units_of[which]:
                for minutes, number in fine[(which, one)].items():
                    if low <= minutes <= high:
                        inside[minutes] += number
            seen = 0
            for minutes in sorted(inside):
                seen += inside[minutes]
                if seen >= rank:
                    values.append(minutes)
                    break
        medians[(which, unit)] = sum(values) / len(values)
    return medians


def _tally_edge(tally: _Tally, *, start: datetime, end: datetime, now: datetime) -> None:
    """The closings whose 7 days ended today by now, not reached in a period not over: counted from the
    events (the rows know their day only, and count the closings whose 7 days ended by midnight)."""
    midnight = _midnight(timezone.localdate(now))
    found = (
        _events([EventType.REPORT_CLOSED], None, end)
        .filter(created_at__gt=midnight - NO_ANSWER_AFTER, created_at__gte=start)
        .filter(created_at__lte=now - NO_ANSWER_AFTER)
        .filter(~_later([EventType.REPORT_CALLED_BACK, EventType.REPORT_REOPENED], end))
        .annotate(unit=KT("extra__unit"))
        .values("unit")
        .annotate(number=Count("id"))
    )
    for item in found:
        tally.units[item["unit"] or ""]["not_reached"] += item["number"]


def _read_consistently() -> Any:
    """A transaction whose reads see one state of the tables (a refresh may commit between them)."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        return transaction.atomic()

    class Snapshot:
        def __enter__(self) -> None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

        def __exit__(self, *exc: Any) -> None:
            self.atomic.__exit__(*exc)

    return Snapshot()


def problems_stats_rolled(period: Period, *, now: datetime | None = None) -> Stats:
    """The figures of `problems_stats(period)` (without the counter) from the roll-up, with what it does
    not know yet computed from the events: the reports with events since the last refresh, and (in a
    period not over) the closings whose 7 days end today, judged to the minute. Without a roll-up, from
    the events alone. A fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = period.start, period.end
    first_day, end_day = period.first_day, period.last_day + timedelta(days=1)
    over = end <= now
    due_by = end_day if over else today
    tally = _Tally.empty()
    live_minutes: list[tuple[MinuteFact, int]] = []

    def exact(fact: Fact) -> bool:
        return fact.at + NO_ANSWER_AFTER <= min(end, now)

    def by_day(fact: Fact) -> bool:
        return _first_midnight_from(fact.at + NO_ANSWER_AFTER) <= due_by

    def within(at: datetime) -> bool:
        return start <= at < end

    with _read_consistently():
        state = StatsRollup.objects.filter(pk=1, through__isnull=False).first()
        if state is None:  # nothing rolled up: every event of the period, judged to the minute
            subjects = Event.objects.filter(
                subject_type=REPORT, event_type__in=COUNTED, created_at__gte=start, created_at__lt=end
            ).values("subject_id")
            for rows in _events_of(Q(subject_id__in=subjects)).values():
                facts, minutes = _facts(rows, within)
                _tally_facts(tally, facts, start=start, end=end, due=exact)
                live_minutes += [(item, 1) for item in minutes]
            stop = first_day
        else:
            seen, stop = state.last_event_id, end_day
            changed = Event.objects.filter(subject_type=REPORT, event_type__in=NEEDED, id__gt=seen).values(
                "subject_id"
            )
            for rows in _events_of(Q(subject_id__in=changed)).values():
                for weight, upto in ((1, None), (-1, seen)):
                    facts, minutes = _facts(rows, within, upto=upto)
                    _tally_facts(tally, facts, start=start, end=end, due=by_day, weight=weight)
                    live_minutes += [(item, weight) for item in minutes]
            _tally_rows(tally, first=first_day, stop=stop, end_day=end_day, due_by=due_by)
            if not over:
                _tally_edge(tally, start=start, end=end, now=now)
        medians = _medians(live_minutes, first=first_day, stop=stop, end=end, end_day=end_day)
    rows_: dict[str, Figures] = {}
    unit_row = unit_rows(rows_)
    for unit in sorted(set(tally.present) | {unit for which, unit in medians if unit is not TOTAL}):
        if tally.present[unit] <= 0 and (CONTACT, unit) not in medians and (CLOSE, unit) not in medians:
            continue
        row = unit_row(unit)
        counts = tally.units[unit]
        row.received = row.dispatched = counts["received"]
        for name in (
            "contacted",
            "contacted_on_time",
            "closed",
            "closed_on_time",
            "called_back",
            "solved",
            "not_reached",
        ):
            setattr(row, name, counts[name])
        row.satisfied = counts[Callback.Satisfaction.SATISFIED]
        row.fairly_satisfied = counts[Callback.Satisfaction.FAIRLY_SATISFIED]
        row.dissatisfied = counts[Callback.Satisfaction.DISSATISFIED]
        row.median_contact_minutes = medians.get((CONTACT, unit))
        row.median_close_minutes = medians.get((CLOSE, unit))
    return stats_assemble(
        period,
        rows_,
        received=tally.received,
        dispatched=tally.dispatched,
        median_contact_minutes=medians.get((CONTACT, TOTAL)),
        median_close_minutes=medians.get((CLOSE, TOTAL)),
        solved_counter=0,
    )


def problems_solved_rolled(*, now: datetime | None = None) -> int:
    """`problems_solved()` from the roll-up's counter, corrected by the reports with events since."""
    state = StatsRollup.objects.filter(pk=1, through__isnull=False).first()
    if state is None:
        return problems_solved(now=now)
    changed = Event.objects.filter(
        subject_type=REPORT, event_type__in=NEEDED, id__gt=state.last_event_id
    ).values("subject_id")
    solved = state.solved
    for rows in _events_of(Q(subject_id__in=changed)).values():
        solved += int(_solved(rows)) - int(_solved(rows, upto=state.last_event_id))
    return solved


def stats_rollup_check(periods: Iterable[Period], *, now: datetime | None = None) -> list[str]:
    """Each difference between the roll-up's figures and those computed from the events alone, for each
    period; none when they agree."""
    now = now or timezone.now()
    differences = []
    for period in periods:
        live = asdict(problems_stats(period, now=now, counter=False))
        rolled = asdict(problems_stats_rolled(period, now=now))
        if live != rolled:
            differences.append(f"{period.label}: events {live} != roll-up {rolled}")
    if (solved := problems_solved(now=now)) != (rolled_solved := problems_solved_rolled(now=now)):
        differences.append(f"problems solved: events {solved} != roll-up {rolled_solved}")
    return differences
