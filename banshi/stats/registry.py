"""The figures of the open numbers, registered once each: a stable code, a title and a definition, the
columns of its table and the selector that computes the rows. The page, its charts and the downloads all
show the table the selector returns, so no count exists twice.

A pillar's section is one module of `banshi.stats.figures` that calls `section_register` and
`figure_register`; nothing else changes to show it.

The small-cell rule: in public tables, charts and downloads a count from 1 to 4 is shown as "< 5" (a zero
stays a zero), and so is a share, a median or a percentile computed from fewer than 5 facts; supervisors
see the real values."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from banshi.catalog.models import Bundle
from banshi.directory.selectors import district_choices
from banshi.lib.errors import FieldErrors
from banshi.problems.stats import Period, period_from_query
from banshi.stats import rollup
from banshi.stats.models import DailyCount

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SMALL = 5
TODAY_FOR = 60
PAST_FOR = 3600
MASK = "< 5"
CITY = ""


# --- the period and the area -----------------------------------------------------------------------------


@dataclass
class Query:
    """What a table is asked for: a period, an area (the city or a district) and whether small cells are
    masked. It keeps the counts it has read, so the figures of one page share their queries."""

    period: Period
    district: str = CITY
    district_name: str = ""
    masked: bool = True
    # One bundle's applications only ("" for all): narrows the measures broken down by bundle.
    bundle: str = ""
    now: datetime = field(default_factory=timezone.now)
    _sums: dict[tuple, Counter] = field(default_factory=dict, repr=False)
    # What a section computes once for several of its figures (the problems' Stats of the period).
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _today: dict[str, Counter] = field(default_factory=dict, repr=False)
    _filled: bool = field(default=False, repr=False)

    @property
    def today(self) -> date:
        return rollup.local_day(self.now)

    @property
    def last_day(self) -> date:
        """The last day with facts: the period's, or today when the period runs on."""
        return min(self.period.last_day, self.today)

    def params(self) -> dict[str, str]:
        """The query string that names this query again (for links to downloads and drill-downs)."""
        period = self.period
        if period.kind == "month":
            named = {"month": f"{period.first_day:%Y-%m}"}
        elif period.kind == "quarter":
            named = {"quarter": f"{period.first_day.year}-Q{(period.first_day.month - 1) // 3 + 1}"}
        elif period.kind == "year":
            named = {"year": str(period.first_day.year)}
        else:
            named = {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
        if self.district:
            named["area"] = self.district
        if self.bundle:
            named["bundle"] = self.bundle
        return named

    def sums(self, measure: str, by: tuple[str, ...] = ()) -> Counter:
        """The counts of `measure` over the period and the area, summed by the dimensions `by` (of
        "group", "district", "channel", "bucket"): the roll-up for the days before today, a live count
        for today."""
        key = (measure, by)
        if key in self._sums:
            return self._sums[key]
        self._fill()
        first, last = self.period.first_day, self.last_day
        found: Counter = Counter()
        rolled_last = min(last, self.today - timedelta(days=1))
        if first <= rolled_last:
            rows = DailyCount.objects.filter(measure=measure, day__gte=first, day__lte=rolled_last)
            if self.district:
                rows = rows.filter(district=self.district)
            elif "district" in by:
                rows = rows.exclude(district=rollup.CITY)
            else:
                rows = rows.filter(district=rollup.CITY)
            if self.bundle and measure in rollup.BUNDLE_MEASURES:
                rows = rows.filter(group=self.bundle)
            for row in rows.order_by().values(*by).annotate(total=Sum("count")):
                found[tuple(row[name] for name in by)] += row["total"]
        if first <= self.today <= last:
            for cell, count in self._live_today(measure).items():
                if cell.measure != measure:
                    continue
                if self.district and cell.district != self.district:
                    continue
                if not self.district and (cell.district == rollup.CITY) == ("district" in by):
                    continue
                if self.bundle and measure in rollup.BUNDLE_MEASURES and cell.group != self.bundle:
                    continue
                found[tuple(getattr(cell, name) for name in by)] += count
        self._sums[key] = found
        return found

    def total(self, measure: str) -> int:
        return sum(self.sums(measure).values())

    def _fill(self) -> None:
        if self._filled:
            return
        self._filled = True
        last = min(self.period.last_day, self.today - timedelta(days=1))
        if self.period.first_day <= last:
            rollup.rollup_fill(first=self.period.first_day, last=last)

    def _live_today(self, measure: str) -> Counter:
        """Today's cells of the measure's source, counted live and kept TODAY_FOR seconds: a page of the
        current period costs one count of today's facts per minute, whatever the traffic."""
        source = next(name for name, measures in rollup.MEASURES_OF.items() if measure in measures)
        if source not in self._today:
            key = f"stats:today:{source}:{self.today.isoformat()}"
            found = cache.get(key)
            if found is None:
                found = rollup.facts(source, self.today, self.today)
                cache.set(key, found, TODAY_FOR)
            self._today[source] = found
        return self._today[source]


def area_from_query(params: Any) -> tuple[str, str]:
    """The area a query string names: `area=` a district's six-digit code, or nothing for the city."""
    code = (params.get("area") or "").strip()
    if not code:
        return CITY, ""
    names = dict(district_choices())
    if code not in names:
        raise FieldErrors({"area": _("is not a district of the city")})
    return code, names[code]


def bundle_from_query(params: Any) -> str:
    """The bundle a query string names (`bundle=` its code), or "" for every bundle."""
    code = (params.get("bundle") or "").strip()
    if code and not Bundle.objects.filter(code=code).exists():
        raise FieldErrors({"bundle": _("is not a bundle of the catalogue")})
    return code


def query_from_params(params: Any, *, masked: bool = True, now: datetime | None = None) -> Query:
    """The Query of a request's parameters; FieldErrors naming each bad parameter."""
    errors: dict[str, str] = {}
    period: Period | None = None
    try:
        period = period_from_query(params)
    except FieldErrors as problem:
        errors |= problem.errors
    district, name, bundle = CITY, "", ""
    try:
        district, name = area_from_query(params)
    except FieldErrors as problem:
        errors |= problem.errors
    try:
        bundle = bundle_from_query(params)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors or period is None:
        raise FieldErrors(errors)
    return Query(
        period=period,
        district=district,
        district_name=name,
        masked=masked,
        bundle=bundle,
        now=now or timezone.now(),
    )


# --- figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    # text, count, share (0..1), hours, minutes, rank, number
    kind: str = "count"
    # For a share, a median or a percentile: the count column of the same row it is computed from; the
    # small-cell rule masks the value when that count is under 5.
    base: str = ""


@dataclass(frozen=True)
class Chart:
    kind: str  # bar, pie, line, map
    category: str  # the column that names the bars, slices, points or districts
    series: tuple[str, ...]  # the columns plotted


Row = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    code: str
    section: str
    title: StrOrPromise
    definition: StrOrPromise
    columns: tuple[Column, ...]
    select: Callable[[Query], list[Row]]
    chart: Chart | None = None
    # Column key → the drill-down (a name of `banshi.stats.drill.DRILLS`) behind its numbers.
    drills: dict[str, str] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True)
class Section:
    code: str
    title: StrOrPromise
    summary: StrOrPromise
    order: int


_sections: dict[str, Section] = {}
_figures: dict[str, Figure] = {}


def section_register(section: Section) -> Section:
    _sections[section.code] = section
    return section


def figure_register(figure: Figure) -> Figure:
    if figure.code in _figures and _figures[figure.code] is not figure:
        raise ValueError(f"two figures with the code {figure.code!r}")
    if figure.section not in _sections:
        raise ValueError(f"figure {figure.code!r} names an unknown section {figure.section!r}")
    _figures[figure.code] = figure
    return figure


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.order)


def figures(section: str | None = None) -> list[Figure]:
    return [figure for figure in _figures.values() if section is None or figure.section == section]


def figure(code: str) -> Figure | None:
    return _figures.get(code)


# --- tables ----------------------------------------------------------------------------------------------


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL


@dataclass
class Table:
    figure: Figure
    query: Query
    rows: list[Row]

    @property
    def empty(self) -> bool:
        """No fact at all behind the table: every count is zero."""
        return all(
            not row.get(column.key)
            for row in self.rows
            for column in self.figure.columns
            if column.kind == "count"
        )

    def masked_cell(self, row: Row, column: Column) -> bool:
        if not self.query.masked:
            return False
        if column.kind == "count":
            return _small(row.get(column.key))
        if column.base:
            return _small(row.get(column.base))
        return False

    def values(self) -> list[Row]:
        """The rows as the downloads give them: numbers as numbers (shares as fractions, durations in
        hours or minutes), "< 5" for a masked cell, null for a value with nothing to compute it from."""
        out = []
        for row in self.rows:
            out.append(
                {
                    column.key: MASK if self.masked_cell(row, column) else _plain(row.get(column.key))
                    for column in self.figure.columns
                }
            )
        return out

    def display(self) -> list[list[str]]:
        """The rows as the page shows them, in the reader's locale."""
        return [
            [
                MASK if self.masked_cell(row, column) else _shown(row.get(column.key), column)
                for column in self.figure.columns
            ]
            for row in self.rows
        ]

    def chart(self) -> dict[str, Any] | None:
        """The chart's data for the page's script: the categories, one series per plotted column with
        its translated name, masked cells as null (a gap, the table says "< 5")."""
        chart = self.figure.chart
        if chart is None:
            return None
        category = self.figure.column(chart.category)
        rows = [row for row in self.rows if not row.get("_total")]
        series = []
        for key in chart.series:
            column = self.figure.column(key)
            data = []
            for row in rows:
                value = None if self.masked_cell(row, column) else _plain(row.get(key))
                if column.kind == "share" and value is not None:
                    value = round(value * 100, 1)
                data.append(value)
            series.append({"key": key, "name": str(column.label), "kind": column.kind, "data": data})
        return {
            "code": self.figure.code,
            "kind": chart.kind,
            "categories": [str(row.get(category.key, "")) for row in rows],
            "keys": [str(row.get("_key", row.get(category.key, ""))) for row in rows],
            "series": series,
            "empty": self.empty,
            "labels": {"masked": MASK, "nothing": str(_("Nothing in this period"))},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def _shown(value: Any, column: Column) -> str:
    if value is None:
        return "–"
    if column.kind == "share":
        return f"{formats.number_format(value * 100, decimal_pos=1, use_l10n=True)}%"
    if column.kind in ("hours", "minutes", "number") and isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def table(figure: Figure, query: Query) -> Table:
    """The figure's table for the query, through the cache: a period over is kept PAST_FOR (its days
    are rolled up; the worker's recount of the last days reaches it within that), the current one
    TODAY_FOR, like today's live count. Keyed by the language too: the rows carry translated names."""
    current = query.period.last_day >= query.today
    key = ":".join(
        [
            "stats:table",
            figure.code,
            query.period.first_day.isoformat(),
            query.period.last_day.isoformat(),
            query.district or "city",
            query.bundle or "all",
            get_language() or "",
            query.today.isoformat() if current else "past",
        ]
    )
    rows = cache.get(key)
    if rows is None:
        rows = figure.select(query)
        cache.set(key, rows, TODAY_FOR if current else PAST_FOR)
    return Table(figure=figure, query=query, rows=rows)


# --- distributions ---------------------------------------------------------------------------------------


def quantile(histogram: Counter | dict[int, int], share: float) -> int | None:
    """Nearest-rank quantile of a distribution given as value → how many: the smallest value with at
    least `share` of the values at or below it; None when it is empty. The median is share 0.5."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(math.ceil(share * total), 1)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover (unreachable: seen reaches total)


def histogram_of(sums: Counter, *, keep: Callable[[tuple], bool] = lambda key: True) -> Counter:
    """Value → count from sums keyed with the bucket last."""
    found: Counter = Counter()
    for key, count in sums.items():
        if keep(key):
            found[key[-1]] += count
    return found


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
