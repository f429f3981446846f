"""The three rates (三率) and the figures beside them, per unit and per period, computed from the audit
events that the problems services write, never from the reports' current rows.

Every figure of a period [start, end) counts the events recorded in it, and judges each one only by
events recorded before the period's end: a later reopening, callback or duplicate marking never changes
the figures of a period already over, so a past period gives the same numbers whenever it is computed.

Definitions (the public page states them too):

- Received: reports filed in the period (``problem.filed``). A unit's received reports are those sent to
  it in the period (``problem.dispatched`` naming it), each report once.
- Dispatched: received reports sent to a unit in the period.
- 响应率 (responded within the limit): of the first contacts recorded in the period (``problem.contacted``,
  one per round: the filing and each reopening), those made before the first-contact deadline.
- On-time closure: of the closings in the period (``problem.closed``), those before the closing deadline.
- 解决率 (solved among called back): of the callback answers in the period (``problem.called_back``), those
  that said solved and were not followed by a reopening before the period's end.
- 满意率 (satisfied among called back): of the same answers, those satisfied or fairly satisfied; the raw
  distribution 满意 / 基本满意 / 不满意 is shown beside it.
- Not reached: closings in the period with no callback answer and no reopening by the period's end although
  7 days had passed since closing. They are left out of the denominators of 解决率 and 满意率 and listed on
  their own; an answer recorded later (staff calling back) counts in the period it is recorded.
- Median time to first contact and to close: minutes from the start of the round (the filing or the
  reopening) to the first contact and to the closing recorded in the period.
- Duplicates count once: the events of a report marked a duplicate before the period's end are left out;
  its original counts.
- Problems solved (the running counter): reports whose latest callback answer said solved and which were
  not reopened afterwards, each report once, duplicates left out.
- The page reads the figures from the daily roll-up of `banshi.problems.rollup`, which gives these very
  figures (`manage.py problem_stats --check` compares the two), and through a cache: a period over is
  fixed and kept a day; the current period and the counter are keyed by the latest event, so a new
  event shows at once, and kept five minutes.
- Units are ranked only when they received at least 20 reports in the period: by 解决率, then 满意率, then
  响应率.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.problems.events import EventType
from banshi.problems.models import Callback, Unit

REPORT = "problems.report"
RANKING_MINIMUM = 20
NO_ANSWER_AFTER = timedelta(days=7)
LONGEST_RANGE = timedelta(days=366 * 5)
EARLIEST = date(2000, 1, 1)
PAST_FOR = 24 * 3600
CURRENT_FOR = 300


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    start: datetime
    end: datetime  # exclusive
    first_day: date
    last_day: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first_day:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first_day.year)
        return f"{self.first_day.isoformat()} – {self.last_day.isoformat()}"


@dataclass
class Figures:
    """One unit's figures (or the whole city's) for a period."""

    code: str
    name: str
    received: int = 0
    dispatched: int = 0
    contacted: int = 0
    contacted_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    called_back: int = 0
    solved: int = 0
    satisfied: int = 0
    fairly_satisfied: int = 0
    dissatisfied: int = 0
    not_reached: int = 0
    median_contact_minutes: float | None = None
    median_close_minutes: float | None = None
    rank: int | None = None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return None if whole == 0 else part / whole

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.contacted_on_time, self.contacted)

    @property
    def on_time_closure_rate(self) -> float | None:
        return self._rate(self.closed_on_time, self.closed)

    @property
    def solved_rate(self) -> float | None:
        return self._rate(self.solved, self.called_back)

    @property
    def satisfied_rate(self) -> float | None:
        return self._rate(self.satisfied + self.fairly_satisfied, self.called_back)

    @property
    def ranked(self) -> bool:
        return self.received >= RANKING_MINIMUM


@dataclass
class Stats:
    period: Period
    total: Figures
    # Ranked units first, by rank; then the units under the threshold, by code.
    units: list[Figures] = field(default_factory=list)
    solved_counter: int = 0


# --- periods ---------------------------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _period(kind: str, first: date, last: date) -> Period:
    return Period(
        kind=kind,
        start=_local_midnight(first),
        end=_local_midnight(last + timedelta(days=1)),
        first_day=first,
        last_day=last,
    )


def _month_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_month(year: int, month: int) -> Period:
    first = date(year, month, 1)
    return _period("month", first, _month_after(first, 1) - timedelta(days=1))


def period_quarter(year: int, quarter: int) -> Period:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return _period("quarter", first, _month_after(first, 3) - timedelta(days=1))


def period_year(year: int) -> Period:
    return _period("year", date(year, 1, 1), date(year, 12, 31))


def period_range(first: date, last: date) -> Period:
    return _period("range", first, last)


def _parse(value: str, *, field_name: str, formats: Iterable[str], message: str) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)  # noqa: DTZ007 (a calendar day or month, no time)
        except ValueError:
            continue
    raise FieldErrors({field_name: message})


def period_from_query(params: Mapping[str, str]) -> Period:
    """The period a query string names: ``month=2026-11``, ``quarter=2026-Q4``, ``year=2026``, or
    ``from=2026-11-01&to=2026-11-30`` (both days included); the current month when none. A bad value
    raises FieldErrors naming its parameter."""
    today = timezone.localdate()
    given = {key: (params.get(key) or "").strip() for key in ("month", "quarter", "year", "from", "to")}
    named = [key for key in ("month", "quarter", "year") if given[key]]
    ranged = given["from"] or given["to"]
    if len(named) + (1 if ranged else 0) > 1:
        raise FieldErrors({"period": _("give one period: a month, a quarter, a year or a range of days")})
    if given["month"]:
        moment = _parse(
            given["month"], field_name="month", formats=["%Y-%m"], message=_("must be a month like 2026-11")
        )
        period = period_month(moment.year, moment.month)
    elif given["quarter"]:
        text = given["quarter"].upper()
        year_text, _sep, quarter_text = text.partition("-Q")
        if not (year_text.isdigit() and len(year_text) == 4 and quarter_text in ("1", "2", "3", "4")):
            raise FieldErrors({"quarter": _("must be a quarter like 2026-Q4")})
        period = period_quarter(int(year_text), int(quarter_text))
    elif given["year"]:
        moment = _parse(
            given["year"], field_name="year", formats=["%Y"], message=_("must be a year like 2026")
        )
        period = period_year(moment.year)
    elif ranged:
        errors = {}
        days: dict[str, date] = {}
        for key in ("from", "to"):
            if not given[key]:
                errors[key] = _("is required with a range of days")
                continue
            try:
                days[key] = _parse(
                    given[key],
                    field_name=key,
                    formats=["%Y-%m-%d"],
                    message=_("must be a day like 2026-11-30"),
                ).date()
            except FieldErrors as problem:
                errors |= problem.errors
        if errors:
            raise FieldErrors(errors)
        if days["to"] < days["from"]:
            raise FieldErrors({"to": _("is before the first day of the range")})
        if days["to"] - days["from"] > LONGEST_RANGE:
            raise FieldErrors({"to": _("makes a range longer than five years")})
        period = period_range(days["from"], days["to"])
    else:
        period = period_month(today.year, today.month)
    if period.first_day < EARLIEST:
        raise FieldErrors({period.kind if period.kind != "range" else "from": _("is before 2000")})
    if period.first_day > today:
        raise FieldErrors({period.kind if period.kind != "range" else "from": _("is in the future")})
    return period


# --- figures ---------------------------------------------------------------------------------------------


def _events(types: Iterable[str], start: datetime | None, end: datetime) -> QuerySet[Event]:
    """The report events of `types` in [start, end), without those of reports marked a duplicate before
    `end`."""
    duplicate = Event.objects.filter(
        subject_type=REPORT,
        subject_id=OuterRef("subject_id"),
        event_type=EventType.REPORT_MARKED_DUPLICATE,
        created_at__lt=end,
    )
    found = Event.objects.filter(subject_type=REPORT, event_type__in=list(types), created_at__lt=end)
    if start is not None:
        found = found.filter(created_at__gte=start)
    return found.exclude(Exists(duplicate)).order_by()


def _later(event_types: list[str], end: datetime) -> Exists:
    """An event of `event_types` of the same report after the outer one and before `end`."""
    return Exists(
        Event.objects.filter(
            subject_type=REPORT,
            subject_id=OuterRef("subject_id"),
            event_type__in=event_types,
            created_at__gt=OuterRef("created_at"),
            created_at__lt=end,
        )
    )


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _solved_answer(end: datetime) -> Q:
    """A callback answer that said solved and was not followed by a reopening before `end`."""
    return cast(Q, Q(extra__solved=True) & ~_later([EventType.REPORT_REOPENED], end))


def problems_stats_cached(period: Period) -> Stats:
    """The figures of problems_stats, from the daily roll-up (`banshi.problems.rollup`), through the
    cache. A period over is fixed (nothing recorded later changes it) and
    kept a day; the current period is kept under the id of the latest event, so any new event computes
    it again, and at most CURRENT_FOR (for the 7-day rule, which moves with the clock alone)."""
    now = timezone.now()
    latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if period.end <= now:
        key, timeout = f"problems:stats:{period.start.isoformat()}:{period.end.isoformat()}", PAST_FOR
    else:
        key, timeout = (
            f"problems:stats:{period.start.isoformat()}:{period.end.isoformat()}:{latest}",
            CURRENT_FOR,
        )
    from banshi.problems.rollup import problems_solved_rolled, problems_stats_rolled

    found = cache.get(key)
    if found is None:
        found = problems_stats_rolled(period, now=now)
        cache.set(key, found, timeout)
    counter_key = f"problems:solved:{latest}"
    counter = cache.get(counter_key)
    if counter is None:
        counter = problems_solved_rolled(now=now)
        cache.set(counter_key, counter, CURRENT_FOR)
    found.solved_counter = counter
    return found


def problems_stats(period: Period, *, now: datetime | None = None, counter: bool = True) -> Stats:
    """The figures of `period`, per unit and for the whole city, and the running counter of problems
    solved (as of now). A fixed number of queries whatever the number of reports."""
    now = now or timezone.now()
    start, end = period.start, period.end
    rows: dict[str, Figures] = {}
    unit_row = unit_rows(rows)

    sent = Exists(
        Event.objects.filter(
            subject_type=REPORT,
            subject_id=OuterRef("subject_id"),
            event_type=EventType.REPORT_DISPATCHED,
            created_at__lt=end,
        )
    )
    totals = _events([EventType.REPORT_FILED], start, end).aggregate(
        received=Count("id"), dispatched=Count("id", filter=sent)
    )
    for sent_item in (
        _events([EventType.REPORT_DISPATCHED], start, end)
        .annotate(unit=KT("extra__unit"))
        .values("unit")
        .annotate(reports=Count("subject_id", distinct=True))
    ):
        row = unit_row(sent_item["unit"])
        row.received = row.dispatched = sent_item["reports"]

    for contact_item in (
        _events([EventType.REPORT_CONTACTED], start, end)
        .filter(extra__has_key="on_time")
        .annotate(unit=KT("extra__unit"))
        .values("unit")
        .annotate(contacted=Count("id"), on_time=Count("id", filter=Q(extra__on_time=True)))
    ):
        row = unit_row(contact_item["unit"])
        row.contacted, row.contacted_on_time = contact_item["contacted"], contact_item["on_time"]

    answered_by = min(end, now) - NO_ANSWER_AFTER
    for closed_item in (
        _events([EventType.REPORT_CLOSED], start, end)
        .annotate(unit=KT("extra__unit"))
        .values("unit")
        .annotate(
            closed=Count("id"),
            on_time=Count("id", filter=Q(extra__on_time=True)),
            not_reached=Count(
                "id",
                filter=cast(
                    Q,
                    Q(created_at__lte=answered_by)
                    & ~_later([EventType.REPORT_CALLED_BACK, EventType.REPORT_REOPENED], end),
                ),
            ),
        )
    ):
        row = unit_row(closed_item["unit"])
        row.closed, row.closed_on_time, row.not_reached = (
            closed_item["closed"],
            closed_item["on_time"],
            closed_item["not_reached"],
        )

    satisfaction = Callback.Satisfaction
    for answer_item in (
        _events([EventType.REPORT_CALLED_BACK], start, end)
        .annotate(unit=KT("extra__unit"))
        .values("unit")
        .annotate(
            answers=Count("id"),
            solved=Count("id", filter=_solved_answer(end)),
            satisfied=Count("id", filter=Q(extra__satisfaction=satisfaction.SATISFIED)),
            fairly=Count("id", filter=Q(extra__satisfaction=satisfaction.FAIRLY_SATISFIED)),
            dissatisfied=Count("id", filter=Q(extra__satisfaction=satisfaction.DISSATISFIED)),
        )
    ):
        row = unit_row(answer_item["unit"])
        row.called_back, row.solved = answer_item["answers"], answer_item["solved"]
        row.satisfied, row.fairly_satisfied = answer_item["satisfied"], answer_item["fairly"]
        row.dissatisfied = answer_item["dissatisfied"]

    minutes: dict[str, dict[str, list[int]]] = {"contact": {}, "close": {}}
    for event_type, unit, value in (
        _events([EventType.REPORT_CONTACTED, EventType.REPORT_CLOSED], start, end)
        .filter(extra__has_key="minutes")
        .annotate(unit=KT("extra__unit"), minutes=KT("extra__minutes"))
        .values_list("event_type", "unit", "minutes")
    ):
        which = "contact" if event_type == EventType.REPORT_CONTACTED else "close"
        minutes[which].setdefault(unit or "", []).append(int(value))
    for code, values in minutes["contact"].items():
        unit_row(code).median_contact_minutes = _median(values)
    for code, values in minutes["close"].items():
        unit_row(code).median_close_minutes = _median(values)

    solved = problems_solved(now=now) if counter else 0
    return stats_assemble(
        period,
        rows,
        received=totals["received"],
        dispatched=totals["dispatched"],
        median_contact_minutes=_median([v for values in minutes["contact"].values() for v in values]),
        median_close_minutes=_median([v for values in minutes["close"].values() for v in values]),
        solved_counter=solved,
    )


COUNTS = (
    "contacted",
    "contacted_on_time",
    "closed",
    "closed_on_time",
    "called_back",
    "solved",
    "satisfied",
    "fairly_satisfied",
    "dissatisfied",
    "not_reached",
)


def unit_rows(rows: dict[str, Figures]) -> Callable[[str | None], Figures]:
    """A function giving the row of a unit's code, added to `rows` with the unit's name when missing."""
    names = {
        code: (name_zh, name_en)
        for code, name_zh, name_en in Unit.objects.values_list("code", "name_zh", "name_en")
    }

    def unit_row(code: str | None) -> Figures:
        code = code or ""
        if code not in rows:
            zh, en = names.get(code, (code, code))
            figures = Figures(code=code, name=zh)
            figures.name = Unit(name_zh=zh, name_en=en).name if code else _("no unit")
            rows[code] = figures
        return rows[code]

    return unit_row


def stats_assemble(
    period: Period,
    rows: dict[str, Figures],
    *,
    received: int,
    dispatched: int,
    median_contact_minutes: float | None,
    median_close_minutes: float | None,
    solved_counter: int,
) -> Stats:
    """The city's row (the units' counts added up) and the ranking, of the units' rows."""
    total = Figures(code="", name=_("All units"))
    total.received, total.dispatched = received, dispatched
    for row in rows.values():
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.median_contact_minutes = median_contact_minutes
    total.median_close_minutes = median_close_minutes

    def merit(row: Figures) -> tuple[float, float, float, str]:
        return (-(row.solved_rate or 0), -(row.satisfied_rate or 0), -(row.response_rate or 0), row.code)

    ranked = sorted((row for row in rows.values() if row.ranked), key=merit)
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    others = sorted((row for row in rows.values() if not row.ranked), key=lambda row: row.code)
    return Stats(period=period, total=total, units=ranked + others, solved_counter=solved_counter)


def problems_solved(*, now: datetime | None = None, upto_id: int | None = None) -> int:
    """The running counter: reports closed, called back as solved and not reopened since, each once,
    duplicates left out. One pass over the callback, reopening and duplicate events, grouped by report: a
    solved answer not followed by a reopening is necessarily the report's latest answer. With `upto_id`,
    only the events up to that id count (as the roll-up saw them)."""
    now = now or timezone.now()
    events = Event.objects.all() if upto_id is None else Event.objects.filter(id__lte=upto_id)
    per_report = (
        events.filter(
            subject_type=REPORT,
            event_type__in=[
                EventType.REPORT_CALLED_BACK,
                EventType.REPORT_REOPENED,
                EventType.REPORT_MARKED_DUPLICATE,
            ],
            created_at__lte=now,
        )
        .order_by()
        .values("subject_id")
        .annotate(
            solved_at=Max(
                "created_at", filter=Q(event_type=EventType.REPORT_CALLED_BACK, extra__solved=True)
            ),
            reopened_at=Max("created_at", filter=Q(event_type=EventType.REPORT_REOPENED)),
            duplicate=Count("id", filter=Q(event_type=EventType.REPORT_MARKED_DUPLICATE)),
        )
        .filter(
            Q(reopened_at__isnull=True) | Q(reopened_at__lt=F("solved_at")),
            solved_at__isnull=False,
            duplicate=0,
        )
    )
    return per_report.count()
