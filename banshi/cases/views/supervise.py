"""The supervisor's view across agencies: what is late, what is due today, which deadlines are
estimates."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.cases.models import Application, Task
from banshi.cases.selectors import (
    applications_with_estimated_deadline,
    deadline_counts_by_agency,
    tasks_due_between,
    tasks_late,
)
from banshi.directory.access import supervisor_required
from banshi.lib.personal import mask_name
from banshi.worktime.hours import office_day_end


def _applicant(application: Application) -> str:
    applicant = application.applicant
    return mask_name(applicant.display_name or applicant.username)


def _task_row(task: Task) -> dict:
    application = task.application
    return {
        "task": task,
        "number": application.number,
        "service": str(application.spec.services[task.service].name),
        "agency": task.agency.name,
        "applicant": _applicant(application),
    }


@supervisor_required
def supervise(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    end_of_day = office_day_end(now)
    by_agency = deadline_counts_by_agency(now=now, end_of_day=end_of_day)
    sections = [
        {
            "id": "late",
            "css": "overdue",
            "title": _("Late, the longest late first"),
            "badge": _("Overdue"),
            "empty": _("Nothing is late."),
            "rows": [_task_row(task) for task in tasks_late(now=now)],
        },
        {
            "id": "due-today",
            "css": "due-today",
            "title": _("Due today, soonest first"),
            "badge": _("Due today"),
            "empty": _("Nothing else is due today."),
            "rows": [_task_row(task) for task in tasks_due_between(start=now, end=end_of_day)],
        },
    ]
    context = {
        "now": now,
        "sections": sections,
        "late_count": sum(row["late"] for row in by_agency),
        "due_today_count": sum(row["due_today"] for row in by_agency),
        "by_agency": by_agency,
        "estimated": [
            {
                "application": application,
                "name": str(application.spec.name),
                "applicant": _applicant(application),
            }
            for application in applications_with_estimated_deadline()
        ],
    }
    return render(request, "cases/supervise.html", context)
