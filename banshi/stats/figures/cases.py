"""One thing, one go (一件事一次办): applications, their completion in working time, returns for
correction, channels, the 好差评 ratings and late tasks."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.models import Application, Rating
from banshi.stats.figures.names import agency_names, bundle_names
from banshi.stats.registry import (
    Chart,
    Column,
    Figure,
    Query,
    Row,
    Section,
    figure_register,
    quantile,
    section_register,
    share,
)
from banshi.stats.rollup import QUARTER, Measure

SECTION = section_register(
    Section(
        code="one-go",
        title=gettext_lazy("One thing, one go"),
        summary=gettext_lazy(
            "Applications for a life event's bundle of services, from one form: how many, how fast, and "
            "what residents thought of them."
        ),
        order=10,
    )
)


def _hours(quarters: int | None) -> float | None:
    return None if quarters is None else quarters * QUARTER / 60


def applications_by_bundle(query: Query) -> list[Row]:
    submitted = query.sums(Measure.SUBMITTED, ("group",))
    completed = query.sums(Measure.COMPLETED, ("group",))
    on_time = query.sums(Measure.COMPLETED_ON_TIME, ("group",))
    returned = query.sums(Measure.RETURNED, ("group",))
    durations = query.sums(Measure.COMPLETION_QUARTERS, ("group", "bucket"))
    names = bundle_names()
    codes = sorted(set(names) | {key[0] for key in submitted} | {key[0] for key in completed})

    def row(label: str, key: str, pick: tuple[str, ...] | None) -> Row:
        def total(counts: Counter) -> int:
            return sum(n for k, n in counts.items() if pick is None or k[0] in pick)

        histogram: Counter = Counter()
        for (code, bucket), count in durations.items():
            if pick is None or code in pick:
                histogram[bucket] += count
        done = total(completed)
        return {
            "_key": key,
            "bundle": label,
            "submitted": total(submitted),
            "completed": done,
            "on_time": share(total(on_time), done),
            "median_hours": _hours(quantile(histogram, 0.5)),
            "p90_hours": _hours(quantile(histogram, 0.9)),
            "returned": total(returned),
        }

    rows = [row(names.get(code, code), code, (code,)) for code in codes]
    return [*rows, {**row(_("All bundles"), "", None), "_total": True}]


figure_register(
    Figure(
        code="applications",
        section=SECTION.code,
        title=gettext_lazy("Applications per bundle"),
        definition=gettext_lazy(
            "Submitted: applications submitted in the period. Completed: applications whose every service "
            "was done in the period. Within the promise: of those completed, the share completed by the "
            "promised time. Time to complete: working hours (office hours of working days) from submission "
            "to completion, in quarter hours rounded up; the median and the 90th percentile are the "
            "smallest times that half and nine tenths of the completed applications took at most. "
            "Returns: services returned to the applicant for correction in the period. An application "
            "counts in the district of the household address it gives."
        ),
        columns=(
            Column("bundle", gettext_lazy("Bundle"), "text"),
            Column("submitted", gettext_lazy("Submitted")),
            Column("completed", gettext_lazy("Completed")),
            Column("on_time", gettext_lazy("Completed within the promise"), "share", base="completed"),
            Column(
                "median_hours", gettext_lazy("Median working hours to complete"), "hours", base="completed"
            ),
            Column("p90_hours", gettext_lazy("90th percentile, working hours"), "hours", base="completed"),
            Column("returned", gettext_lazy("Returns for correction")),
        ),
        select=applications_by_bundle,
        chart=Chart("bar", "bundle", ("submitted", "completed")),
        drills={
            "submitted": "applications-submitted",
            "completed": "applications-completed",
            "returned": "corrections",
        },
    )
)


def applications_by_channel(query: Query) -> list[Row]:
    submitted = query.sums(Measure.SUBMITTED, ("channel",))
    whole = sum(submitted.values())
    rows = [
        {
            "_key": channel.value,
            "channel": str(channel.label),
            "submitted": submitted[(channel.value,)],
            "share": share(submitted[(channel.value,)], whole),
        }
        for channel in Application.Channel
    ]
    return [
        *rows,
        {
            "_total": True,
            "_key": "",
            "channel": _("All channels"),
            "submitted": whole,
            "share": share(whole, whole),
        },
    ]


figure_register(
    Figure(
        code="channels",
        section=SECTION.code,
        title=gettext_lazy("Applications by channel"),
        definition=gettext_lazy(
            "Applications submitted in the period by the way they came in: online by the resident, at a "
            "service window by a clerk, or during a video call with a clerk."
        ),
        columns=(
            Column("channel", gettext_lazy("Channel"), "text"),
            Column("submitted", gettext_lazy("Submitted")),
            Column("share", gettext_lazy("Share"), "share", base="submitted"),
        ),
        select=applications_by_channel,
        chart=Chart("pie", "channel", ("submitted",)),
    )
)


def ratings_rows(counts: Counter) -> list[Row]:
    whole = sum(counts.values())
    rows = [
        {
            "_key": str(level.value),
            "level": str(level.label),
            "ratings": counts[(level.value,)],
            "share": share(counts[(level.value,)], whole),
        }
        for level in sorted(Rating.Level, key=lambda level: -level.value)
    ]
    satisfied = sum(counts[(level,)] for level in (5, 4, 3))
    return [
        *rows,
        {
            "_total": True,
            "_key": "",
            "level": _("All ratings (share satisfied: fairly satisfied or better)"),
            "ratings": whole,
            "share": share(satisfied, whole),
        },
    ]


figure_register(
    Figure(
        code="ratings",
        section=SECTION.code,
        title=gettext_lazy("好差评 ratings of applications"),
        definition=gettext_lazy(
            "The applicants' evaluations (好差评) given in the period on the five-level scale, each "
            "finished application rated once. The last row's share is that of fairly satisfied or better."
        ),
        columns=(
            Column("level", gettext_lazy("Rating"), "text"),
            Column("ratings", gettext_lazy("Ratings")),
            Column("share", gettext_lazy("Share"), "share", base="ratings"),
        ),
        select=lambda query: ratings_rows(query.sums(Measure.RATED, ("bucket",))),
        chart=Chart("bar", "level", ("ratings",)),
        drills={"ratings": "ratings"},
    )
)


def late_tasks(query: Query) -> list[Row]:
    due = query.sums(Measure.TASKS_DUE, ("group",))
    late = query.sums(Measure.TASKS_LATE, ("group",))
    names = agency_names()
    rows = []
    for (code,) in sorted(set(due) | set(late)):
        name, _pk = names.get(code, (code, 0))
        rows.append(
            {
                "_key": code,
                "agency": name,
                "due": due[(code,)],
                "late": late[(code,)],
                "late_share": share(late[(code,)], due[(code,)]),
            }
        )
    whole, behind = sum(due.values()), sum(late.values())
    return [
        *rows,
        {
            "_total": True,
            "_key": "",
            "agency": _("All agencies"),
            "due": whole,
            "late": behind,
            "late_share": share(behind, whole),
        },
    ]


figure_register(
    Figure(
        code="late-tasks",
        section=SECTION.code,
        title=gettext_lazy("Late tasks by agency"),
        definition=gettext_lazy(
            "Due: services of applications whose deadline fell in the period (until now). Late: of those, "
            "the ones decided after their deadline or not decided by it. A service returned for correction "
            "has its deadline moved by the time the applicant took, so its latest deadline counts."
        ),
        columns=(
            Column("agency", gettext_lazy("Agency"), "text"),
            Column("due", gettext_lazy("Due")),
            Column("late", gettext_lazy("Late")),
            Column("late_share", gettext_lazy("Share late"), "share", base="due"),
        ),
        select=late_tasks,
        chart=Chart("bar", "agency", ("due", "late")),
        drills={"late": "late-tasks"},
    )
)
