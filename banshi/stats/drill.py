"""The lists behind the numbers, for supervisors: from a count of a figure to the cases it counts, each
with a link to its own page. Lists carry no names, ID numbers or addresses: the applicant's name masked,
a report by its number, category and district."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from banshi.audit.models import Event
from banshi.cases.models import Task
from banshi.lib.personal import mask_name
from banshi.problems.events import EventType as ProblemEvent
from banshi.problems.models import Callback, Report
from banshi.stats.registry import Query
from banshi.stats.rollup import late_tasks_filter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIMIT = 1000


@dataclass(frozen=True)
class Drill:
    code: str
    title: StrOrPromise
    columns: tuple[tuple[str, StrOrPromise], ...]
    rows: Callable[[Query, str], list[dict[str, Any]]]


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "–"


def late_task_rows(query: Query, agency: str) -> list[dict[str, Any]]:
    tasks = Task.objects.filter(
        late_tasks_filter(start=query.period.start, end=query.period.end, now=query.now)
    ).select_related("application__applicant", "application__bundle_version", "agency")
    if agency:
        tasks = tasks.filter(agency__code=agency)
    if query.district:
        tasks = tasks.alias(area=KeyTextTransform("household.area", "application__values")).filter(
            area__startswith=query.district
        )
    rows = []
    for task in tasks.order_by("deadline", "id")[:LIMIT]:
        application = task.application
        rows.append(
            {
                "number": application.number,
                "link": reverse("cases:supervise_application", args=[application.number]),
                "service": str(application.spec.services[task.service].name)
                if task.service in application.spec.services
                else task.service,
                "agency": task.agency.name,
                "deadline": _when(task.deadline),
                "decided": _when(task.decided_at),
                "status": str(task.get_status_display()),
                "applicant": mask_name(application.applicant.display_name or application.applicant.username),
            }
        )
    return rows


def unsatisfied_callback_rows(query: Query, unit: str) -> list[dict[str, Any]]:
    duplicate = Event.objects.filter(
        subject_type="problems.report",
        subject_id=OuterRef("subject_id"),
        event_type=ProblemEvent.REPORT_MARKED_DUPLICATE,
        created_at__lt=query.period.end,
    )
    answers = Event.objects.filter(
        subject_type="problems.report",
        event_type=ProblemEvent.REPORT_CALLED_BACK,
        created_at__gte=query.period.start,
        created_at__lt=query.period.end,
        extra__satisfaction=Callback.Satisfaction.DISSATISFIED,
    ).exclude(Exists(duplicate))
    if unit:
        answers = answers.filter(extra__unit=unit)
    answered = dict(answers.order_by("created_at").values_list("subject_id", "created_at")[:LIMIT])
    reports = Report.objects.filter(pk__in=[int(pk) for pk in answered]).select_related(
        "category", "district", "unit"
    )
    if query.district:
        reports = reports.filter(unit__district__code=query.district)
    return [
        {
            "number": report.number,
            "link": reverse("problems:supervise_report", args=[report.number]),
            "category": report.category.name,
            "district": report.district.name if report.district else "–",
            "unit": report.unit.name if report.unit else "–",
            "called_back": _when(answered.get(str(report.pk))),
            "status": str(report.get_status_display()),
        }
        for report in reports.order_by("number")
    ]


DRILLS = {
    drill.code: drill
    for drill in (
        Drill(
            code="late-tasks",
            title=gettext_lazy("Late tasks"),
            columns=(
                ("number", gettext_lazy("Application")),
                ("service", gettext_lazy("Service")),
                ("agency", gettext_lazy("Agency")),
                ("deadline", gettext_lazy("Deadline")),
                ("decided", gettext_lazy("Decided")),
                ("status", gettext_lazy("Status")),
                ("applicant", gettext_lazy("Applicant")),
            ),
            rows=late_task_rows,
        ),
        Drill(
            code="unsatisfied-callbacks",
            title=gettext_lazy("Dissatisfied callback answers"),
            columns=(
                ("number", gettext_lazy("Report")),
                ("category", gettext_lazy("Category")),
                ("district", gettext_lazy("District")),
                ("unit", gettext_lazy("Unit")),
                ("called_back", gettext_lazy("Called back")),
                ("status", gettext_lazy("Status")),
            ),
            rows=unsatisfied_callback_rows,
        ),
    )
}
