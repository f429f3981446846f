"""The lists behind the numbers, for supervisors: from a count of a figure to the cases it counts, each
with a link to its own page. Lists carry no names, ID numbers or addresses: the applicant's name masked,
a report by its number, category and district."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.audit.models import Event
from banshi.cases.models import Application, Correction, Rating, Task
from banshi.lib.personal import mask_name
from banshi.problems.events import EventType as ProblemEvent
from banshi.problems.models import Callback, Category, Report, Unit
from banshi.stats.figures.names import agency_names, bundle_names, district_names
from banshi.stats.registry import Query
from banshi.stats.rollup import AREA, counted_as_filed, late_tasks_filter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIMIT = 1000


@dataclass(frozen=True)
class Drill:
    code: str
    title: StrOrPromise
    columns: tuple[tuple[str, StrOrPromise], ...]
    rows: Callable[[Query, str], list[dict[str, Any]]]
    # The name of what a key picks (the agency, the bundle, the district…), shown above the list; None
    # for a key it does not know.
    names: Callable[[str], str | None] = lambda key: None

    def subject(self, key: str) -> str | None:
        return self.names(key) if key else None


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "–"


def _in_area(found: QuerySet[Any], query: Query, path: str) -> QuerySet[Any]:
    """Narrowed to the query's district by the household address at `path` (as the roll-up counts it)."""
    if not query.district:
        return found
    return found.alias(area=KeyTextTransform(AREA, path)).filter(area__startswith=query.district)


def _application_row(application: Application, **more: Any) -> dict[str, Any]:
    return {
        "number": application.number,
        "link": reverse("cases:supervise_application", args=[application.number]),
        "bundle": str(application.spec.name),
        "channel": str(application.get_channel_display()),
        "submitted": _when(application.submitted_at),
        "completed": _when(application.completed_at),
        "status": str(application.get_status_display()),
        "applicant": mask_name(application.applicant.display_name or application.applicant.username),
        **more,
    }


def _service_name(task: Task) -> str:
    services = task.application.spec.services
    return str(services[task.service].name) if task.service in services else task.service


def _report_row(report: Report, **more: Any) -> dict[str, Any]:
    """A report in a list: by its number, category, district and unit, never its reporter or address."""
    return {
        "number": report.number,
        "link": reverse("problems:supervise_report", args=[report.number]),
        "category": report.category.name,
        "district": report.district.name if report.district else "–",
        "unit": report.unit.name if report.unit else "–",
        "status": str(report.get_status_display()),
        **more,
    }


def late_task_rows(query: Query, agency: str) -> list[dict[str, Any]]:
    tasks = Task.objects.filter(
        late_tasks_filter(start=query.period.start, end=query.period.end, now=query.now)
    ).select_related("application__applicant", "application__bundle_version", "agency")
    if agency:
        tasks = tasks.filter(agency__code=agency)
    tasks = _in_area(tasks, query, "application__values")
    return [
        _application_row(
            task.application,
            service=_service_name(task),
            agency=task.agency.name,
            deadline=_when(task.deadline),
            decided=_when(task.decided_at),
            status=str(task.get_status_display()),
        )
        for task in tasks.order_by("deadline", "id")[:LIMIT]
    ]


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
        _report_row(report, called_back=_when(answered.get(str(report.pk))))
        for report in reports.order_by("number")
    ]


def _of_applications(found: QuerySet[Any], query: Query, bundle: str, *, via: str = "") -> QuerySet[Any]:
    """Narrowed to one bundle's applications (the key, or the query's bundle) and to the query's district,
    the application reached by `via` (a lookup prefix such as "task__application__"); with what a row
    shows of it."""
    bundle = bundle or query.bundle
    if bundle:
        found = found.filter(**{f"{via}bundle__code": bundle})
    return _in_area(found, query, f"{via}values").select_related(f"{via}applicant", f"{via}bundle_version")


def submitted_rows(query: Query, bundle: str) -> list[dict[str, Any]]:
    found = Application.objects.filter(
        submitted_at__gte=query.period.start, submitted_at__lt=query.period.end
    )
    found = _of_applications(found, query, bundle).order_by("submitted_at", "id")[:LIMIT]
    return [_application_row(application) for application in found]


def _on_time(application: Application) -> bool:
    done = application.completed_at
    return done is not None and done <= application.deadline


def completed_rows(query: Query, bundle: str) -> list[dict[str, Any]]:
    found = Application.objects.filter(
        status=Application.Status.COMPLETE,
        completed_at__gte=query.period.start,
        completed_at__lt=query.period.end,
    )
    found = _of_applications(found, query, bundle).order_by("completed_at", "id")[:LIMIT]
    return [
        _application_row(
            application,
            promised=_when(application.deadline),
            on_time=str(_("yes") if _on_time(application) else _("no")),
        )
        for application in found
    ]


def correction_rows(query: Query, bundle: str) -> list[dict[str, Any]]:
    found = Correction.objects.filter(returned_at__gte=query.period.start, returned_at__lt=query.period.end)
    found = _of_applications(found, query, bundle, via="task__application__").select_related("task__agency")
    return [
        _application_row(
            correction.task.application,
            service=_service_name(correction.task),
            agency=correction.task.agency.name,
            returned=_when(correction.returned_at),
        )
        for correction in found.order_by("returned_at", "id")[:LIMIT]
    ]


def rating_rows(query: Query, level: str) -> list[dict[str, Any]]:
    found = Rating.objects.filter(created_at__gte=query.period.start, created_at__lt=query.period.end)
    if level:
        if not level.isdigit():
            return []
        found = found.filter(level=int(level))
    found = _of_applications(found, query, "", via="application__")
    return [
        _application_row(
            rating.application, level=str(rating.get_level_display()), rated=_when(rating.created_at)
        )
        for rating in found.order_by("created_at", "id")[:LIMIT]
    ]


def _filed_rows(query: Query, *, district: str = "", category: str = "") -> list[dict[str, Any]]:
    """The reports the problems' figures count as filed in the period (a report marked a duplicate on the
    day it was filed left out), narrowed by what the filing recorded."""
    filed = Event.objects.filter(
        subject_type="problems.report",
        event_type=ProblemEvent.REPORT_FILED,
        created_at__gte=query.period.start,
        created_at__lt=query.period.end,
    )
    for narrowed in (query.district, district):
        if narrowed:
            filed = filed.filter(extra__district__startswith=narrowed)
    if category:
        filed = filed.filter(extra__category=category)
    moments = dict(filed.order_by("created_at", "id").values_list("subject_id", "created_at")[: LIMIT * 2])
    marked = dict(
        Event.objects.filter(
            subject_type="problems.report",
            event_type=ProblemEvent.REPORT_MARKED_DUPLICATE,
            subject_id__in=list(moments),
        ).values_list("subject_id", "created_at")
    )
    kept = [int(pk) for pk, moment in moments.items() if counted_as_filed(moment, marked.get(pk))][:LIMIT]
    reports = Report.objects.filter(pk__in=kept).select_related("category", "district", "unit")
    return [
        _report_row(report, filed=_when(report.filed_at)) for report in reports.order_by("filed_at", "id")
    ]


def filed_in_district_rows(query: Query, district: str) -> list[dict[str, Any]]:
    return _filed_rows(query, district=district)


def filed_in_category_rows(query: Query, category: str) -> list[dict[str, Any]]:
    return _filed_rows(query, category=category)


# The lists' columns: each key's heading, once.
HEADINGS: dict[str, StrOrPromise] = {
    "application": gettext_lazy("Application"),
    "report": gettext_lazy("Report"),
    "bundle": gettext_lazy("Bundle"),
    "channel": gettext_lazy("Channel"),
    "submitted": gettext_lazy("Submitted"),
    "service": gettext_lazy("Service"),
    "agency": gettext_lazy("Agency"),
    "deadline": gettext_lazy("Deadline"),
    "decided": gettext_lazy("Decided"),
    "promised": gettext_lazy("Promised by"),
    "completed": gettext_lazy("Completed"),
    "on_time": gettext_lazy("Within the promise"),
    "returned": gettext_lazy("Returned"),
    "level": gettext_lazy("Rating"),
    "rated": gettext_lazy("Rated"),
    "category": gettext_lazy("Category"),
    "district": gettext_lazy("District"),
    "unit": gettext_lazy("Unit"),
    "filed": gettext_lazy("Filed"),
    "called_back": gettext_lazy("Called back"),
    "status": gettext_lazy("Status"),
    "applicant": gettext_lazy("Applicant"),
}


def _columns(*keys: str) -> tuple[tuple[str, StrOrPromise], ...]:
    """The columns of a list; its first names the case (an application or a report), its number."""
    first, *rest = keys
    return (("number", HEADINGS[first]), *((key, HEADINGS[key]) for key in rest))


APPLICATION = ("application", "bundle", "channel", "submitted")
REPORT = ("report", "category", "district", "unit")


def _agency(key: str) -> str | None:
    return found[0] if (found := agency_names().get(key)) else None


def _unit(key: str) -> str | None:
    unit = Unit.objects.filter(code=key).first()
    return unit.name if unit else None


def _category(key: str) -> str | None:
    category = Category.objects.filter(code=key).first()
    return category.name if category else None


def _level(key: str) -> str | None:
    levels = {str(level.value): str(level.label) for level in Rating.Level}
    return levels.get(key)


def _bundle(key: str) -> str | None:
    return bundle_names().get(key)


def _district(key: str) -> str | None:
    return district_names().get(key)


def _drill(
    code: str,
    title: StrOrPromise,
    columns: tuple[str, ...],
    rows: Callable[..., Any],
    names: Callable[[str], str | None],
) -> Drill:
    return Drill(code=code, title=title, columns=_columns(*columns), rows=rows, names=names)


DRILLS = {
    drill.code: drill
    for drill in (
        _drill(
            "late-tasks",
            gettext_lazy("Late tasks"),
            ("application", "service", "agency", "deadline", "decided", "status", "applicant"),
            late_task_rows,
            _agency,
        ),
        _drill(
            "unsatisfied-callbacks",
            gettext_lazy("Dissatisfied callback answers"),
            (*REPORT, "called_back", "status"),
            unsatisfied_callback_rows,
            _unit,
        ),
        _drill(
            "applications-submitted",
            gettext_lazy("Applications submitted"),
            (*APPLICATION, "status", "applicant"),
            submitted_rows,
            _bundle,
        ),
        _drill(
            "applications-completed",
            gettext_lazy("Applications completed"),
            (*APPLICATION, "promised", "completed", "on_time", "applicant"),
            completed_rows,
            _bundle,
        ),
        _drill(
            "corrections",
            gettext_lazy("Returns for correction"),
            (*APPLICATION, "service", "agency", "returned", "status", "applicant"),
            correction_rows,
            _bundle,
        ),
        _drill(
            "ratings",
            gettext_lazy("Ratings"),
            (*APPLICATION, "level", "rated", "applicant"),
            rating_rows,
            _level,
        ),
        _drill(
            "problems-filed-district",
            gettext_lazy("Problems filed in a district"),
            (*REPORT, "filed", "status"),
            filed_in_district_rows,
            _district,
        ),
        _drill(
            "problems-filed-category",
            gettext_lazy("Problems filed in a category"),
            (*REPORT, "filed", "status"),
            filed_in_category_rows,
            _category,
        ),
    )
}
