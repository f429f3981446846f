"""Residents' problems (急难愁盼): received, solved, the three rates per unit, districts, categories and
trends. The counts and rates are the problems app's own (`banshi.problems.stats`), read through its
public functions; this module only arranges them, and adds the breakdown by district and category of the
reports filed."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.cache import cache
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.problems.models import Category, Unit
from banshi.problems.rollup import problems_solved_rolled
from banshi.problems.stats import (
    RANKING_MINIMUM,
    Figures,
    Stats,
    period_month,
    period_year,
    problems_solved,
    problems_stats_cached,
)
from banshi.stats.figures.names import district_names
from banshi.stats.registry import (
    Chart,
    Column,
    Figure,
    Query,
    Row,
    Section,
    figure_register,
    section_register,
)
from banshi.stats.rollup import Measure

SECTION = section_register(
    Section(
        code="problems",
        title=gettext_lazy("Residents' problems"),
        summary=gettext_lazy(
            "Problems residents reported (急难愁盼), routed to the unit responsible and followed until "
            "solved."
        ),
        order=30,
    )
)
TREND_MONTHS = 12
COUNTER_FOR = 300
SOLVED_DEFINITION = gettext_lazy(
    "Solved: reports closed, called back as solved and not reopened since, each report once, duplicates "
    "left out."
)


def _stats(query: Query) -> Stats:
    if "problems" not in query.memo:
        query.memo["problems"] = problems_stats_cached(query.period)
    return query.memo["problems"]


def _unit_districts() -> dict[str, str]:
    return {code: district or "" for code, district in Unit.objects.values_list("code", "district__code")}


def _units(query: Query, stats: Stats) -> list[Figures]:
    if not query.district:
        return stats.units
    districts = _unit_districts()
    return [row for row in stats.units if districts.get(row.code) == query.district]


def _sum(rows: list[Figures]) -> Figures:
    total = Figures(code="", name="")
    for row in rows:
        for name in (
            "received",
            "contacted",
            "contacted_on_time",
            "closed",
            "closed_on_time",
            "called_back",
            "solved",
            "satisfied",
            "fairly_satisfied",
            "dissatisfied",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def summary(query: Query) -> list[Row]:
    stats = _stats(query)
    total = stats.total if not query.district else _sum(_units(query, stats))
    return [
        {
            "_key": "",
            "received": total.received,
            "solved": total.solved,
            "called_back": total.called_back,
            "contacted": total.contacted,
            "closed": total.closed,
            "response_rate": total.response_rate,
            "on_time_closure_rate": total.on_time_closure_rate,
            "solved_rate": total.solved_rate,
            "satisfied_rate": total.satisfied_rate,
        }
    ]


figure_register(
    Figure(
        code="problems-summary",
        section=SECTION.code,
        title=gettext_lazy("Problems received and solved"),
        definition=gettext_lazy(
            "Received: reports filed in the period (in a district: reports sent to its units). Solved: "
            "callback answers in the period that said solved and were not followed by a reopening. "
            "响应率: first contacts made within the limit. On-time closure: closings before the deadline. "
            "解决率: solved among the callback answers. 满意率: satisfied or fairly satisfied among them."
        ),
        columns=(
            Column("received", gettext_lazy("Received")),
            Column("solved", gettext_lazy("Solved")),
            Column("called_back", gettext_lazy("Called back")),
            Column("contacted", gettext_lazy("First contacts")),
            Column("closed", gettext_lazy("Closed")),
            Column("response_rate", gettext_lazy("响应率 (contacted in time)"), "share", base="contacted"),
            Column("on_time_closure_rate", gettext_lazy("Closed on time"), "share", base="closed"),
            Column("solved_rate", gettext_lazy("解决率 (solved)"), "share", base="called_back"),
            Column("satisfied_rate", gettext_lazy("满意率 (satisfied)"), "share", base="called_back"),
        ),
        select=summary,
    )
)


def _units_definition() -> str:
    return _(
        "Per unit: reports sent to it in the period, 响应率, 解决率 and 满意率 as above, and the "
        "callback answers that were dissatisfied. A unit is ranked only when it received at least "
        "%(minimum)s reports in the period: by 解决率, then 满意率, then 响应率."
    ) % {"minimum": RANKING_MINIMUM}


# Translated when shown, in the reader's language, with the threshold filled in.
UNITS_DEFINITION = lazy(_units_definition, str)()


def units(query: Query) -> list[Row]:
    return [
        {
            "_key": row.code,
            "unit": row.name,
            "received": row.received,
            "rank": row.rank,
            "contacted": row.contacted,
            "response_rate": row.response_rate,
            "called_back": row.called_back,
            "solved_rate": row.solved_rate,
            "satisfied_rate": row.satisfied_rate,
            "dissatisfied": row.dissatisfied,
        }
        for row in _units(query, _stats(query))
        if row.code
    ]


figure_register(
    Figure(
        code="problems-units",
        section=SECTION.code,
        title=gettext_lazy("The three rates per unit"),
        definition=UNITS_DEFINITION,
        columns=(
            Column("unit", gettext_lazy("Unit"), "text"),
            Column("received", gettext_lazy("Received")),
            Column("rank", gettext_lazy("Rank"), "rank"),
            Column("contacted", gettext_lazy("First contacts")),
            Column("response_rate", gettext_lazy("响应率"), "share", base="contacted"),
            Column("called_back", gettext_lazy("Called back")),
            Column("solved_rate", gettext_lazy("解决率"), "share", base="called_back"),
            Column("satisfied_rate", gettext_lazy("满意率"), "share", base="called_back"),
            Column("dissatisfied", gettext_lazy("Dissatisfied")),
        ),
        select=units,
        chart=Chart("bar", "unit", ("response_rate", "solved_rate", "satisfied_rate")),
        drills={"dissatisfied": "unsatisfied-callbacks"},
    )
)


def districts(query: Query) -> list[Row]:
    filed = query.sums(Measure.PROBLEMS_FILED, ("district",))
    names = district_names()
    codes = [query.district] if query.district else sorted(names)
    return [{"_key": code, "district": names.get(code, code), "filed": filed[(code,)]} for code in codes]


figure_register(
    Figure(
        code="problems-districts",
        section=SECTION.code,
        title=gettext_lazy("Problems filed by district"),
        definition=gettext_lazy(
            "Reports filed in the period, in the district the report names; a report marked a duplicate "
            "on the day it was filed is left out (its original counts)."
        ),
        columns=(
            Column("district", gettext_lazy("District"), "text"),
            Column("filed", gettext_lazy("Filed")),
        ),
        select=districts,
        chart=Chart("map", "district", ("filed",)),
        drills={"filed": "problems-filed-district"},
    )
)

TOP = 10


def categories(query: Query) -> list[Row]:
    filed = query.sums(Measure.PROBLEMS_FILED, ("group",))
    names = {category.code: category.name for category in Category.objects.all()}
    top = sorted(filed.items(), key=lambda item: (-item[1], item[0][0]))[:TOP]
    return [{"_key": code, "category": names.get(code, code), "filed": count} for (code,), count in top]


figure_register(
    Figure(
        code="problems-categories",
        section=SECTION.code,
        title=gettext_lazy("Top categories of problems"),
        definition=gettext_lazy("The ten categories with the most reports filed in the period, as above."),
        columns=(
            Column("category", gettext_lazy("Category"), "text"),
            Column("filed", gettext_lazy("Filed")),
        ),
        select=categories,
        chart=Chart("bar", "category", ("filed",)),
        drills={"filed": "problems-filed-category"},
    )
)


def _months(query: Query) -> list[date]:
    """The months of the period when it spans more than one, else the 12 months up to it."""
    first, last = query.period.first_day.replace(day=1), query.last_day.replace(day=1)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    if len(months) > 1:
        return months[-60:]
    months = [last]
    while len(months) < TREND_MONTHS:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def trend(query: Query) -> list[Row]:
    rows = []
    for month in _months(query):
        period = period_month(month.year, month.month)
        stats = problems_stats_cached(period)
        total = stats.total if not query.district else _sum(_units(query, stats))
        rows.append(
            {
                "_key": f"{month:%Y-%m}",
                "month": f"{month:%Y-%m}",
                "received": total.received,
                "solved": total.solved,
                "called_back": total.called_back,
                "solved_rate": total.solved_rate,
            }
        )
    return rows


figure_register(
    Figure(
        code="problems-trend",
        section=SECTION.code,
        title=gettext_lazy("Problems month by month"),
        definition=gettext_lazy(
            "Reports received and solved each month (as above), over the months of the period or the "
            "twelve months up to it."
        ),
        columns=(
            Column("month", gettext_lazy("Month"), "text"),
            Column("received", gettext_lazy("Received")),
            Column("solved", gettext_lazy("Solved")),
            Column("called_back", gettext_lazy("Called back")),
            Column("solved_rate", gettext_lazy("解决率"), "share", base="called_back"),
        ),
        select=trend,
        chart=Chart("line", "month", ("received", "solved")),
    )
)


def solved_this_year(*, today: date) -> int:
    """The home page's counter: problems solved (the running counter's definition) whose solved answer
    was given this year — the counter as of now less the counter at the year's start."""
    start = period_year(today.year).start
    # The counter at the year's start never changes: kept a day, and counted by the worker's round
    # (`numbers_warm`) before a visitor asks. Now's, from the problems' roll-up, is kept a few minutes, as
    # the problems' own page keeps it.
    before = cache.get_or_set(
        f"stats:solved-before:{today.year}",
        lambda: problems_solved(now=start - timedelta(microseconds=1)),
        24 * 3600,
    )
    now = cache.get_or_set("stats:solved-now", problems_solved_rolled, COUNTER_FOR)
    return int(now or 0) - int(before or 0)


figure_register(
    Figure(
        code="problems-solved",
        section=SECTION.code,
        title=gettext_lazy("Problems solved"),
        definition=SOLVED_DEFINITION,
        columns=(
            Column("counter", gettext_lazy("Solved so far")),
            Column("this_year", gettext_lazy("Solved this year")),
        ),
        select=lambda query: [
            {
                "_key": "",
                "counter": _stats(query).solved_counter,
                "this_year": solved_this_year(today=query.today),
            }
        ],
    )
)


def numbers_warm(*, today: date) -> None:
    """The worker's round counts the slow, fixed part of the home page's counter (the counter at the
    year's start, a pass over every callback event) so that no visitor waits for it."""
    solved_this_year(today=today)
