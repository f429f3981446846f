"""Livelihood projects (民生实事): the register by level and status, and milestones kept on time. Counted
live from the projects' tables (a register of thousands, not millions, of rows)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.projects.models import Milestone, Project
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
