from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from banshi.accounts.models import User
from banshi.audit.selectors import events_for
from banshi.cases.models import Application, ApplicationMaterial, Draft, Rating, Task, Upload
from banshi.directory.models import Agency
from banshi.directory.selectors import agency_ids_for_officer
from banshi.worktime.hours import office_day_end

S = Task.Status


def applications_for_resident(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user).select_related("bundle_version").order_by("-submitted_at")
    )


def application_for_owner(*, user, number: str | None = None, pk: int | None = None) -> Application | None:
    if not user.is_authenticated:
        return None
    query = Application.objects.filter(applicant=user)
    query = query.filter(number=number) if number is not None else query.filter(pk=pk)
    return (
        query.select_related("bundle_version", "applicant", "window")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )


def applications_for_window(*, window, applicant=None, limit: int = 200) -> QuerySet[Application]:
    """The applications accepted at a window (of one applicant if given), newest first."""
    query = Application.objects.filter(window=window)
    if applicant is not None:
        query = query.filter(applicant=applicant)
    return query.select_related("bundle_version", "applicant").order_by("-submitted_at")[:limit]


def applications_to_hand_over_count(*, window) -> int:
    return Application.objects.filter(
        window=window, status=Application.Status.COMPLETE, handed_over_at__isnull=True
    ).count()


def application_for_window(*, window, number: str) -> Application | None:
    return (
        Application.objects.filter(window=window, number=number)
        .select_related("bundle_version", "applicant", "submitted_by", "window")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )


def queue_for_officer(
    *, user, status: str | None = S.READY, claimed_by=None, limit: int = 200
) -> QuerySet[Task]:
    """The officer's agencies' tasks, most urgent first. `status=None` lists every open one;
    `claimed_by` keeps only the tasks that person claimed."""
    tasks = Task.objects.filter(agency_id__in=agency_ids_for_officer(user=user))
    tasks = tasks.filter(status=status) if status else tasks.filter(status__in=Task.OPEN)
    if claimed_by is not None:
        tasks = tasks.filter(claimed_by=claimed_by)
    return tasks.select_related(
        "application", "agency", "claimed_by", "application__bundle_version", "application__applicant"
    ).order_by("deadline", "id")[:limit]


def queue_counts_for_officer(*, user, now: datetime) -> dict[str, int]:
    """The counts of the officer's queue page, in one query and without its lists' limit: their
    agencies' open tasks by state, the ones the officer claimed, and of the tasks the page lists
    (ready, and claimed by the officer) how many are late and how many fall due before the offices'
    day ends."""
    mine = Q(status=S.CLAIMED, claimed_by=user)
    listed = Q(status=S.READY) | mine
    return Task.objects.filter(
        agency_id__in=agency_ids_for_officer(user=user), status__in=Task.OPEN
    ).aggregate(
        ready=Count("id", filter=Q(status=S.READY)),
        mine=Count("id", filter=mine),
        overdue=Count("id", filter=listed & Q(deadline__lt=now)),
        due_today=Count("id", filter=listed & Q(deadline__gte=now, deadline__lt=office_day_end(now))),
        returned=Count("id", filter=Q(status=S.RETURNED)),
        waiting=Count("id", filter=Q(status=S.WAITING)),
    )


def task_for_officer(*, user, task_id: int) -> Task | None:
    return (
        Task.objects.filter(pk=task_id, agency_id__in=agency_ids_for_officer(user=user))
        .select_related(
            "application", "application__bundle_version", "application__applicant", "agency", "claimed_by"
        )
        .first()
    )


def task_inputs(*, task: Task) -> dict[str, Any]:
    """What the task's service may see: the fields it needs, the outputs of its upstream services,
    and its materials. Nothing else of the application."""
    application = task.application
    spec = application.spec
    service = spec.services[task.service]
    plan = spec.plan(application.answers)
    needed: list[str] = []
    for need in service.needs:
        needed.extend(spec.expand_need(need))
    upstream = spec.upstream_of(task.service)
    upstream_outputs: dict[str, str] = {}
    for other in Task.objects.filter(application=application, service__in=upstream, status=S.APPROVED):
        upstream_outputs.update(other.outputs)
    fields = [(key, application.values.get(key)) for key in plan.fields if key in needed]
    outputs = [(key, upstream_outputs.get(key)) for key in needed if key in upstream_outputs]
    material_keys = [key for key in plan.materials if f"materials.{key}" in needed]
    links = {
        link.key: link
        for link in ApplicationMaterial.objects.filter(
            application=application, key__in=material_keys, replaced=False
        ).select_related("upload")
    }
    materials = [(key, links.get(key)) for key in material_keys]
    return {"fields": fields, "outputs": outputs, "materials": materials}


def upload_for_user(*, user, upload_id: int) -> Upload | None:
    """An upload is visible to whoever uploaded it, to the applicant it is attached for, and to an
    officer whose agency has a task in that application that needs it."""
    if not user.is_authenticated:
        return None
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return None
    if upload.owner_id == user.pk:
        return upload
    links = ApplicationMaterial.objects.filter(upload=upload).select_related("application__bundle_version")
    agency_ids = set(agency_ids_for_officer(user=user))
    for link in links:
        application = link.application
        if application.applicant_id == user.pk:
            return upload
        if not agency_ids:
            continue
        spec = application.spec
        for task in Task.objects.filter(application=application, agency_id__in=agency_ids):
            needs = spec.services[task.service].needs
            if f"materials.{link.key}" in needs:
                return upload
    return None


def application_timeline(*, application: Application):
    tasks = list(application.tasks.all())
    return events_for(subjects=[application, *tasks])


_TASK_CONTEXT = ("application", "application__bundle_version", "application__applicant", "agency")


def tasks_late(*, now: datetime, limit: int = 500) -> QuerySet[Task]:
    """Every agency's running tasks past their deadline, the longest late first."""
    return (
        Task.objects.filter(status__in=Task.RUNNING, deadline__lt=now)
        .select_related(*_TASK_CONTEXT)
        .order_by("deadline", "id")[:limit]
    )


def tasks_due_between(*, start: datetime, end: datetime, limit: int = 500) -> QuerySet[Task]:
    """Every agency's running tasks due from `start` to before `end`, soonest first."""
    return (
        Task.objects.filter(status__in=Task.RUNNING, deadline__gte=start, deadline__lt=end)
        .select_related(*_TASK_CONTEXT)
        .order_by("deadline", "id")[:limit]
    )


def deadline_counts_by_agency(*, now: datetime, end_of_day: datetime) -> list[dict[str, Any]]:
    """Per agency with any: how many of its running tasks are late, and how many are due from `now` to
    before `end_of_day`."""
    rows = list(
        Task.objects.filter(status__in=Task.RUNNING, deadline__lt=end_of_day)
        .values("agency_id")
        .annotate(
            late=Count("id", filter=Q(deadline__lt=now)), due_today=Count("id", filter=Q(deadline__gte=now))
        )
        .order_by("agency_id")
    )
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    return [
        {"agency": agencies[row["agency_id"]], "late": row["late"], "due_today": row["due_today"]}
        for row in rows
    ]


def applications_with_estimated_deadline(*, limit: int = 200) -> QuerySet[Application]:
    """Open applications whose deadline, or one of whose running tasks' deadline, was counted through
    a year the working calendar does not know."""
    estimated_task = Task.objects.filter(
        application=OuterRef("pk"), status__in=Task.OPEN, deadline_estimated=True
    )
    return (
        Application.objects.filter(
            Q(deadline_estimated=True) | Exists(estimated_task),
            status__in=(Application.Status.IN_PROGRESS, Application.Status.CORRECTION_NEEDED),
        )
        .select_related("bundle_version", "applicant")
        .order_by("deadline", "id")[:limit]
    )


def poor_ratings(*, followed_up: bool, limit: int = 200) -> QuerySet[Rating]:
    """Poor ratings for the supervisors: those still to follow up oldest first (the longest waiting
    on top), those followed up most recent first."""
    ratings = Rating.objects.filter(level__in=Rating.POOR, followed_up_at__isnull=not followed_up)
    ordering = ("-followed_up_at", "-id") if followed_up else ("created_at", "id")
    return ratings.select_related(
        "application", "application__bundle_version", "application__applicant", "followed_up_by"
    ).order_by(*ordering)[:limit]


def draft_codes_of(*, user: User) -> list[str]:
    """The bundles of which the user has an unfinished application of their own (not one a window
    clerk fills in for someone), by code."""
    return sorted(
        Draft.objects.filter(owner=user, applicant=user, submitted_number="").values_list(
            "bundle_code", flat=True
        )
    )
