from typing import Any

from django.db.models import Prefetch, QuerySet

from banshi.audit.selectors import events_for
from banshi.cases.models import Application, ApplicationMaterial, Task, Upload
from banshi.directory.selectors import agency_ids_for_officer

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
        query.select_related("bundle_version", "applicant")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )


def queue_for_officer(*, user, status: str | None = S.READY, limit: int = 200) -> QuerySet[Task]:
    """The officer's agencies' tasks, most urgent first. `status=None` lists every open one."""
    tasks = Task.objects.filter(agency_id__in=agency_ids_for_officer(user=user))
    tasks = tasks.filter(status=status) if status else tasks.filter(status__in=Task.OPEN)
    return tasks.select_related(
        "application", "agency", "claimed_by", "application__bundle_version", "application__applicant"
    ).order_by("deadline", "id")[:limit]


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
