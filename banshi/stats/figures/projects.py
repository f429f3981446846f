"""Livelihood projects (民生实事): the register by level and status, the indicators' completion, milestones
kept on time, the selection rounds' turnout and the year-end verdicts. Counted live from the projects' and
the polls' tables (a register of thousands, not millions, of rows). The polls are read through their own
selectors, which give counts only: nothing says who answered or how anyone voted."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.polls.selectors import ballot_turnout, survey_result
from banshi.projects.models import Indicator, Milestone, Project, Round, Verdict
from banshi.projects.participation_selectors import verdict_summary
from banshi.stats.registry import (
    Chart,
    Column,
    Figure,
    Query,
    Row,
    Section,
    figure_register,
    section_register,
    share,
)
from banshi.stats.rollup import local_day

SECTION = section_register(
    Section(
        code="projects",
        title=gettext_lazy("Livelihood projects"),
        summary=gettext_lazy(
            "The practical matters the city, the districts, the streets and the communities promised to do, "
            "and how far they have come."
        ),
        order=40,
    )
)
STATUSES = [status for status in Project.Status if status != Project.Status.PROPOSED]


def _projects(query: Query) -> QuerySet[Project]:
    """The projects of the register whose time runs into the period (started by its end, not ended
    before its start), in the area when one is asked."""
    found = Project.objects.exclude(status=Project.Status.PROPOSED).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=query.period.last_day),
        Q(end_date__isnull=True) | Q(end_date__gte=query.period.first_day),
    )
    if query.district:
        found = found.filter(area__code__startswith=query.district)
    return found


def projects_by_level(query: Query) -> list[Row]:
    counts = {
        (row["level"], row["status"]): row["projects"]
        for row in _projects(query).order_by().values("level", "status").annotate(projects=Count("id"))
    }
    rows = []
    for level in Project.Level:
        row: Row = {"_key": level.value, "level": str(level.label)}
        for status in STATUSES:
            row[status.value] = counts.get((level.value, status.value), 0)
        row["projects"] = sum(row[status.value] for status in STATUSES)
        rows.append(row)
    total: Row = {"_total": True, "_key": "", "level": _("All levels")}
    for key in [status.value for status in STATUSES] + ["projects"]:
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="projects-status",
        section=SECTION.code,
        title=gettext_lazy("Projects by level and status"),
        definition=gettext_lazy(
            "Projects of the public register whose time (from their start to their end date) runs into "
            "the period, by their level and their status now; proposals not yet planned are left out. In "
            "a district: the projects placed in it."
        ),
        columns=(
            Column("level", gettext_lazy("Level"), "text"),
            *(Column(status.value, status.label) for status in STATUSES),
            Column("projects", gettext_lazy("Projects")),
        ),
        select=projects_by_level,
        chart=Chart("bar", "level", tuple(status.value for status in STATUSES)),
    )
)


def milestones(query: Query) -> list[Row]:
    due = Milestone.objects.filter(
        due__gte=query.period.first_day, due__lte=min(query.period.last_day, query.today)
    ).exclude(project__status__in=[Project.Status.PROPOSED, Project.Status.CANCELLED])
    if query.district:
        due = due.filter(project__area__code__startswith=query.district)
    counted: dict[str, list[int]] = {}
    for level, day, done_at in due.order_by().values_list("project__level", "due", "done_at"):
        tally = counted.setdefault(level, [0, 0])
        tally[0] += 1
        # On time: marked done by the end of its due day (in the offices' time zone).
        if done_at is not None and local_day(done_at) <= day:
            tally[1] += 1
    rows: list[Row] = []
    for level in Project.Level:
        whole, kept = counted.get(level.value, [0, 0])
        rows.append(
            {
                "_key": level.value,
                "level": str(level.label),
                "due": whole,
                "on_time": kept,
                "share": share(kept, whole),
            }
        )
    whole, kept = sum(row["due"] for row in rows), sum(row["on_time"] for row in rows)
    total: Row = {"_total": True, "_key": "", "level": _("All levels"), "due": whole, "on_time": kept}
    return [*rows, {**total, "share": share(kept, whole)}]


figure_register(
    Figure(
        code="projects-milestones",
        section=SECTION.code,
        title=gettext_lazy("Milestones on time"),
        definition=gettext_lazy(
            "Milestones of the register's projects due in the period (until today), and of those the ones "
            "marked done by the end of their due day; cancelled projects and proposals left out."
        ),
        columns=(
            Column("level", gettext_lazy("Level"), "text"),
            Column("due", gettext_lazy("Due")),
            Column("on_time", gettext_lazy("Done on time")),
            Column("share", gettext_lazy("Share on time"), "share", base="due"),
        ),
        select=milestones,
        chart=Chart("bar", "level", ("due", "on_time")),
    )
)


def _number(value: Decimal | None) -> int | float:
    """A sum of targets or actuals: whole numbers stay whole."""
    value = value or Decimal(0)
    return int(value) if value == value.to_integral_value() else float(value)


def indicators(query: Query) -> list[Row]:
    first, last = query.period.first_day.year, query.period.last_day.year
    found = Indicator.objects.filter(project__year__gte=first, project__year__lte=last).exclude(
        project__status__in=[Project.Status.PROPOSED, Project.Status.CANCELLED]
    )
    if query.district:
        found = found.filter(project__area__code__startswith=query.district)
    # A parent's indicator that totals its children's (the same code) is left out: the children count.
    found = found.exclude(
        Exists(Indicator.objects.filter(project__parent=OuterRef("project"), code=OuterRef("code")))
    )
    rows: list[Row] = []
    for row in (
        found.order_by()
        .values("code", "unit")
        .annotate(
            name=Min("name"),
            projects=Count("project", distinct=True),
            target=Sum("target"),
            actual=Sum("actual"),
        )
        .order_by("code", "unit")
    ):
        target, actual = _number(row["target"]), _number(row["actual"])
        rows.append(
            {
                "_key": f"{row['code']}:{row['unit']}",
                "indicator": row["name"],
                "unit": row["unit"],
                "projects": row["projects"],
                "target": target,
                "actual": actual,
                "share": None if not target else actual / target,
            }
        )
    return rows


figure_register(
    Figure(
        code="projects-indicators",
        section=SECTION.code,
        title=gettext_lazy("Indicator completion"),
        definition=gettext_lazy(
            "For each indicator (by its code and unit, e.g. households served), the sum of the targets "
            "and of the actual numbers reached so far over the projects of the period's year or years; "
            "a parent's indicator that totals its sub-projects' is counted through them only; cancelled "
            "projects and proposals left out. In a district: the projects placed in it."
        ),
        columns=(
            Column("indicator", gettext_lazy("Indicator"), "text"),
            Column("unit", gettext_lazy("Unit"), "text"),
            Column("projects", gettext_lazy("Projects")),
            Column("target", gettext_lazy("Target"), "number"),
            Column("actual", gettext_lazy("Reached"), "number"),
            Column("share", gettext_lazy("Share reached"), "share"),
        ),
        select=indicators,
        chart=Chart("bar", "indicator", ("share",)),
    )
)


def rounds(query: Query) -> list[Row]:
    found = (
        Round.objects.filter(ballot__isnull=False)
        .annotate(closed=Coalesce("ballot__closed_at", "ballot__closes_at"))
        .filter(closed__gte=query.period.start, closed__lt=query.period.end, closed__lte=query.now)
        .select_related("ballot", "survey")
        .order_by("closed", "pk")
    )
    if query.district:
        found = found.filter(area__code__startswith=query.district)
    rows: list[Row] = []
    for round_ in found:
        result = survey_result(round_.survey, now=query.now) if round_.survey else None
        if round_.ballot is None:  # pragma: no cover (the query asks for a ballot)
            continue
        voted, roll = ballot_turnout(round_.ballot)
        rows.append(
            {
                "_key": str(round_.pk),
                "round": round_.title,
                "level": str(Project.Level(round_.level).label),
                "responses": result.responses if result else 0,
                "voted": voted,
                "roll": roll,
                "turnout": share(voted, roll),
            }
        )
    voted, roll = sum(row["voted"] for row in rows), sum(row["roll"] for row in rows)
    total: Row = {
        "_total": True,
        "_key": "",
        "round": _("All rounds"),
        "level": "",
        "responses": sum(row["responses"] for row in rows),
        "voted": voted,
        "roll": roll,
        "turnout": share(voted, roll),
    }
    return [*rows, total]


figure_register(
    Figure(
        code="projects-rounds",
        section=SECTION.code,
        title=gettext_lazy("Selection rounds and their turnout"),
        definition=gettext_lazy(
            "Selection rounds whose deputies' vote closed in the period: the residents' responses to the "
            "round's opinion survey, and the deputies who voted out of those on the vote's roll. Only "
            "counts are read, never who answered or how anyone voted. In a district: the rounds of an "
            "area in it."
        ),
        columns=(
            Column("round", gettext_lazy("Round"), "text"),
            Column("level", gettext_lazy("Level"), "text"),
            Column("responses", gettext_lazy("Survey responses")),
            Column("voted", gettext_lazy("Deputies who voted")),
            Column("roll", gettext_lazy("Deputies on the roll")),
            Column("turnout", gettext_lazy("Turnout"), "share", base="roll"),
        ),
        select=rounds,
        chart=Chart("bar", "round", ("responses", "voted", "roll")),
    )
)


def verdicts(query: Query) -> list[Row]:
    found = Verdict.objects.filter(created_at__gte=query.period.start, created_at__lt=query.period.end)
    if query.district:
        found = found.filter(project__area__code__startswith=query.district)
    counts: Counter[tuple[str, str]] = Counter(
        {
            (row["rating"], row["rated_as"]): row["n"]
            for row in found.order_by().values("rating", "rated_as").annotate(n=Count("pk"))
        }
    )
    rows: list[Row] = [
        {
            "_key": key,
            "rating": label,
            "residents": residents,
            "deputies": deputies,
            "all": residents + deputies,
        }
        for key, label, residents, deputies in verdict_summary(counts).by_rating
    ]
    total: Row = {"_total": True, "_key": "", "rating": _("All verdicts")}
    for key in ("residents", "deputies", "all"):
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="projects-verdicts",
        section=SECTION.code,
        title=gettext_lazy("Year-end verdicts"),
        definition=gettext_lazy(
            "The year-end verdicts (satisfied, fairly satisfied, dissatisfied, abstain) given in the "
            "period on completed projects, by residents and by deputies, one per person and project. In a "
            "district: the verdicts on projects placed in it."
        ),
        columns=(
            Column("rating", gettext_lazy("Verdict"), "text"),
            Column("residents", gettext_lazy("Residents")),
            Column("deputies", gettext_lazy("Deputies")),
            Column("all", gettext_lazy("All")),
        ),
        select=verdicts,
        chart=Chart("bar", "rating", ("residents", "deputies")),
    )
)
