"""Applications and their tasks: uploads, submission, corrections and ratings for residents; the queue and
the transitions for agency officers."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import File, Header, Router, Schema, Status
from ninja.files import UploadedFile

from banshi.api.schemas import Errors
from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.selectors import application_for_owner, queue_for_officer, task_for_officer, task_inputs
from banshi.cases.services.rate import application_rate
from banshi.lib.errors import FieldErrors, NotFound

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router()


# --- uploads -----------------------------------------------------------------------------------------


class UploadOut(Schema):
    id: int
    kind: str
    size: int


@router.post(
    "/uploads",
    response={201: UploadOut, 400: Errors},
    tags=["applications"],
    operation_id="banshi_api_routes_upload_create",
)
def upload_create(request, file: File[UploadedFile]):
    upload = services.upload_create(owner=request.auth, file=file)
    return Status(201, {"id": upload.id, "kind": upload.kind, "size": upload.size})


# --- applications ------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    bundle: str
    answers: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    materials: dict[str, Any] = {}


class TaskOut(Schema):
    id: int
    service: str
    agency: str
    status: str
    deadline: datetime | None
    deadline_estimated: bool
    outputs: dict[str, str]
    return_reason: str
    return_items: list[str]


class ApplicationOut(Schema):
    id: int
    number: str
    bundle: str
    status: str
    channel: str
    submitted_at: datetime
    deadline: datetime
    deadline_estimated: bool
    completed_at: datetime | None
    tasks: list[TaskOut]


def _application(application) -> dict:
    spec = application.spec
    tasks = getattr(application, "submitted_tasks", None)
    if tasks is None:
        tasks = application.tasks.all()
    return {
        "id": application.id,
        "number": application.number,
        "bundle": spec.code,
        "status": application.status,
        "channel": application.channel,
        "submitted_at": application.submitted_at,
        "deadline": application.deadline,
        "deadline_estimated": application.deadline_estimated,
        "completed_at": application.completed_at,
        "tasks": [
            {
                "id": task.id,
                "service": task.service,
                "agency": spec.services[task.service].agency,
                "status": task.status,
                "deadline": task.deadline,
                "deadline_estimated": task.deadline_estimated,
                "outputs": task.outputs if task.status == Task.Status.APPROVED else {},
                "return_reason": task.return_reason if task.status == Task.Status.RETURNED else "",
                "return_items": task.return_items if task.status == Task.Status.RETURNED else [],
            }
            for task in tasks
        ],
    }


@router.post(
    "/applications",
    response={201: ApplicationOut, 400: Errors, 409: Errors},
    tags=["applications"],
    operation_id="banshi_api_routes_application_create",
)
def application_create(
    request, payload: ApplicationIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    """Submit a bundle. A retried request with the same `Idempotency-Key` and the same body returns
    the first application and never creates a second; the key sent again with a different body is a
    409."""
    application = services.application_submit_online(
        actor=request.auth,
        bundle_code=payload.bundle,
        answers=payload.answers,
        values=payload.fields,
        materials=payload.materials,
        idempotency_key=idempotency_key,
    )
    if not hasattr(application, "submitted_tasks"):  # a retry answered with the first application
        application = application_for_owner(user=request.auth, pk=application.pk)
    return Status(201, _application(application))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, 404: Errors},
    tags=["applications"],
    operation_id="banshi_api_routes_application_detail",
)
def application_detail(request, application_id: int):
    application = application_for_owner(user=request.auth, pk=application_id)
    if application is None:
        raise NotFound()
    return _application(application)


class CorrectionIn(Schema):
    task: int
    fields: dict[str, Any] = {}
    materials: dict[str, Any] = {}


@router.post(
    "/applications/{application_id}/corrections",
    response={200: ApplicationOut, 400: Errors, 404: Errors, 409: Errors},
    tags=["applications"],
    operation_id="banshi_api_routes_application_correct",
)
def application_correct(request, application_id: int, payload: CorrectionIn):
    services.application_correct(
        actor=request.auth,
        application_id=application_id,
        task_id=payload.task,
        values=payload.fields,
        materials=payload.materials,
    )
    return _application(application_for_owner(user=request.auth, pk=application_id))


# --- officers' tasks ---------------------------------------------------------------------------------


class QueueTaskOut(Schema):
    id: int
    application: str
    service: str
    agency: str
    status: str
    deadline: datetime | None
    overdue: bool
    claimed_by: str | None


class Item(Schema):
    key: str
    value: Any


class MaterialRef(Schema):
    key: str
    upload: int | None
    kind: str | None


class TaskDetailOut(QueueTaskOut):
    fields: list[Item]
    inputs: list[Item]
    materials: list[MaterialRef]
    outputs: dict[str, str]
    return_reason: str
    return_items: list[str]


def _queue_task(task, now) -> dict:
    return {
        "id": task.id,
        "application": task.application.number,
        "service": task.service,
        "agency": task.agency.code,
        "status": task.status,
        "deadline": task.deadline,
        "overdue": task.is_overdue(now),
        "claimed_by": task.claimed_by.username if task.claimed_by else None,
    }


@router.get(
    "/tasks",
    response={200: list[QueueTaskOut], 400: Errors},
    tags=["tasks"],
    operation_id="banshi_api_routes_task_list",
)
def task_list(request, status: str = Task.Status.READY):
    """The caller's agencies' tasks in one state (`open` for every open one), most urgent first."""
    if status != "open" and status not in Task.Status.values:
        raise FieldErrors({"status": "must be one of: open, " + ", ".join(Task.Status.values)})
    now = timezone.now()
    return [
        _queue_task(t, now)
        for t in queue_for_officer(user=request.auth, status=None if status == "open" else status)
    ]


def _task_detail(request, task_id: int) -> dict:
    task = task_for_officer(user=request.auth, task_id=task_id)
    if task is None:
        raise NotFound()
    inputs = task_inputs(task=task)
    return {
        **_queue_task(task, timezone.now()),
        "fields": [{"key": k, "value": v} for k, v in inputs["fields"]],
        "inputs": [{"key": k, "value": v} for k, v in inputs["outputs"]],
        "materials": [
            {"key": k, "upload": link.upload_id if link else None, "kind": link.upload.kind if link else None}
            for k, link in inputs["materials"]
        ],
        "outputs": task.outputs,
        "return_reason": task.return_reason,
        "return_items": task.return_items,
    }


@router.get(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, 404: Errors},
    tags=["tasks"],
    operation_id="banshi_api_routes_task_detail",
)
def task_detail(request, task_id: int):
    """Only what the task's service needs: its fields, its upstream outputs, its materials."""
    return _task_detail(request, task_id)


TRANSITION_RESPONSES = {200: TaskDetailOut, 400: Errors, 404: Errors, 409: Errors}


@router.post(
    "/tasks/{task_id}/claim",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_claim",
)
def task_claim(request, task_id: int):
    services.task_claim(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


@router.post(
    "/tasks/{task_id}/release",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_release",
)
def task_release(request, task_id: int):
    services.task_release(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


class ApproveIn(Schema):
    outputs: dict[str, Any] = {}


@router.post(
    "/tasks/{task_id}/approve",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_approve",
)
def task_approve(request, task_id: int, payload: ApproveIn | None = None):
    services.task_approve(actor=request.auth, task_id=task_id, outputs=payload.outputs if payload else {})
    return _task_detail(request, task_id)


class ReturnIn(Schema):
    reason: str
    items: list[str]


@router.post(
    "/tasks/{task_id}/return",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_return",
)
def task_return(request, task_id: int, payload: ReturnIn):
    services.task_return(actor=request.auth, task_id=task_id, reason=payload.reason, items=payload.items)
    return _task_detail(request, task_id)


class RejectIn(Schema):
    reason: str


@router.post(
    "/tasks/{task_id}/reject",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_reject",
)
def task_reject(request, task_id: int, payload: RejectIn):
    services.task_reject(actor=request.auth, task_id=task_id, reason=payload.reason)
    return _task_detail(request, task_id)


# --- ratings -----------------------------------------------------------------------------------------


class RatingIn(Schema):
    level: int
    comment: str = ""


class RatingOut(Schema):
    application: str
    level: int
    label: str
    comment: str
    created_at: datetime


@router.post(
    "/applications/{application_id}/rating",
    response={201: RatingOut, 400: Errors, 404: Errors, 409: Errors},
    tags=["applications"],
    operation_id="banshi_api_ratings_application_rating_create",
)
def application_rating_create(request, application_id: int, payload: RatingIn):
    """Rate a complete or closed application, once: `level` 5 very satisfied (非常满意), 4 satisfied
    (满意), 3 fairly satisfied (基本满意), 2 dissatisfied (不满意), 1 very dissatisfied (非常不满意)."""
    rating = application_rate(
        actor=request.auth, application_id=application_id, level=payload.level, comment=payload.comment
    )
    return Status(
        201,
        {
            "application": rating.application.number,
            "level": rating.level,
            "label": str(rating.get_level_display()),
            "comment": rating.comment,
            "created_at": rating.created_at,
        },
    )
