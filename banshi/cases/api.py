"""Applications and their tasks: uploads, submission, corrections and ratings for residents; the queue and
the transitions for agency officers."""

from datetime import datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator, JsonValue, StringConstraints
from pydantic_core import PydanticCustomError

from banshi.accounts.http import ApiRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases import services
from banshi.cases.models import Application, Rating, Task
from banshi.cases.selectors import (
    application_for_owner,
    queue_for_officer,
    task_for_officer,
    task_view_for_officer,
)
from banshi.cases.services.decide import OUTPUT_MAX_LENGTH, REASON_MAX
from banshi.cases.services.rate import COMMENT_MAX, application_rate
from banshi.catalog.definition import (
    CODE,
    FIELDS_MAX,
    KEY,
    KEY_MAX_LENGTH,
    MATERIALS_MAX,
    OUTPUTS_MAX,
    QUESTIONS_MAX,
    VALUE_MAX_LENGTH,
)
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.personal import mask_name
from banshi.lib.schemas import (
    CleanFirst,
    Id,
    Line,
    Lines,
    RecordId,
    clean_line,
    errors,
    keys_as_property_names,
)

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router()

# What any bundle's application may hold. A bundle's own form (which keys, which values) is
# `GET /api/v1/bundles/{code}` and its JSON Schema; these are the limits common to all of them.
Code = Annotated[str, StringConstraints(pattern=CODE, max_length=KEY_MAX_LENGTH), CleanFirst]
FieldKey = Annotated[str, StringConstraints(pattern=KEY, max_length=KEY_MAX_LENGTH), CleanFirst]
Option = Annotated[Line, StringConstraints(max_length=KEY_MAX_LENGTH)]


def _clean_value(value: Any) -> Any:
    """A text value cleaned, and refused when longer than any field takes, before the union of the
    kinds is tried (which would answer with a problem for each of them)."""
    if not isinstance(value, str):
        return value
    value = clean_line(value)
    if len(value) > VALUE_MAX_LENGTH:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": VALUE_MAX_LENGTH},
        )
    return value


# A field's value: text, or a number or yes/no as JSON writes them; null or "" for an empty one.
Value = Annotated[
    Annotated[str, StringConstraints(max_length=VALUE_MAX_LENGTH)] | int | float | bool | None,
    BeforeValidator(_clean_value),
]
Answers = Annotated[
    dict[Code, Option],
    Field(max_length=QUESTIONS_MAX, json_schema_extra=keys_as_property_names),
]
Values = Annotated[
    dict[FieldKey, Value],
    Field(max_length=FIELDS_MAX, json_schema_extra=keys_as_property_names),
]
Materials = Annotated[
    dict[Code, Id | None],
    Field(max_length=MATERIALS_MAX, json_schema_extra=keys_as_property_names),
]
# Idempotency keys are stored in this many characters.
IDEMPOTENCY_KEY_MAX = Application._meta.get_field("idempotency_key").max_length or 80
# `fields.<key>` or `materials.<key>`, as returnable_items names them.
ITEM = r"^(fields|materials)\.[a-z][a-z0-9_.]*$"
ITEM_MAX_LENGTH = len("materials.") + KEY_MAX_LENGTH


# --- uploads -----------------------------------------------------------------------------------------


class UploadOut(Schema):
    id: int
    kind: str
    size: int


@router.post(
    "/uploads",
    response={201: UploadOut, **errors(400, 401)},
    tags=["applications"],
    operation_id="banshi_api_routes_upload_create",
)
def upload_create(request: ApiRequest, file: File[UploadedFile]) -> Status:
    """A material, a PDF, JPEG or PNG checked by its content (a name that says otherwise is refused), at
    most the size the bundle's materials state (`max_bytes`)."""
    upload = services.upload_create(owner=request.auth, file=file)
    return Status(201, {"id": upload.id, "kind": upload.kind, "size": upload.size})


# --- applications ------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    """An application to one bundle: the answers to its questions, the values of its fields and the
    upload ids of its materials, each keyed as the bundle names them."""

    bundle: Code
    answers: Answers = {}
    fields: Values = {}
    materials: Materials = {}


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


def _application(application: Application) -> dict[str, Any]:
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
    response={201: ApplicationOut, **errors(400, 401, 404, 409)},
    tags=["applications"],
    operation_id="banshi_api_routes_application_create",
)
def application_create(
    request: ApiRequest,
    payload: ApplicationIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=IDEMPOTENCY_KEY_MAX),
) -> Status:
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
        application = application_for_owner(user=request.auth, pk=application.pk) or application
    return Status(201, _application(application))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **errors(400, 401, 404)},
    tags=["applications"],
    operation_id="banshi_api_routes_application_detail",
)
def application_detail(request: ApiRequest, application_id: RecordId) -> dict[str, Any]:
    application = application_for_owner(user=request.auth, pk=application_id)
    if application is None:
        raise NotFound()
    return _application(application)


class CorrectionIn(Schema):
    task: Id
    fields: Values = {}
    materials: Materials = {}


@router.post(
    "/applications/{application_id}/corrections",
    response={200: ApplicationOut, **errors(400, 401, 404, 409)},
    tags=["applications"],
    operation_id="banshi_api_routes_application_correct",
)
def application_correct(
    request: ApiRequest, application_id: RecordId, payload: CorrectionIn
) -> dict[str, Any]:
    services.application_correct(
        actor=request.auth,
        application_id=application_id,
        task_id=payload.task,
        values=payload.fields,
        materials=payload.materials,
    )
    corrected = application_for_owner(user=request.auth, pk=application_id)
    if corrected is None:
        raise NotFound
    return _application(corrected)


# --- officers' tasks ---------------------------------------------------------------------------------


class QueueTaskOut(Schema):
    id: int
    application: str
    applicant: str
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
    provided: bool
    upload: int | None
    kind: str | None


class TaskDetailOut(QueueTaskOut):
    full: bool
    fields: list[Item]
    inputs: list[Item]
    materials: list[MaterialRef]
    outputs: dict[str, str]
    return_reason: str
    return_items: list[str]


def _queue_task(task: Task, now: datetime) -> dict[str, Any]:
    applicant = task.application.applicant
    return {
        "id": task.id,
        "application": task.application.number,
        "applicant": mask_name(applicant.display_name or applicant.username),
        "service": task.service,
        "agency": task.agency.code,
        "status": task.status,
        "deadline": task.deadline,
        "overdue": task.is_overdue(now),
        "claimed_by": task.claimed_by.username if task.claimed_by else None,
    }


TASK_STATES = ["open", *Task.Status.values]


class TaskFilter(Schema):
    status: str = Field(Task.Status.READY, json_schema_extra={"enum": list[JsonValue](TASK_STATES)})


@router.get(
    "/tasks",
    response={200: list[QueueTaskOut], **errors(400, 401)},
    tags=["tasks"],
    operation_id="banshi_api_routes_task_list",
)
def task_list(request: ApiRequest, filters: Query[TaskFilter]) -> list[dict[str, Any]]:
    """The caller's agencies' tasks in one state (`open` for every open one), most urgent first. The
    finished ones (`approved`, `rejected`, `cancelled`) are the caller's own decisions only. Names are
    masked."""
    status = filters.status
    if status not in TASK_STATES:
        raise FieldErrors({"status": "must be one of: " + ", ".join(TASK_STATES)})
    now = timezone.now()
    return [
        _queue_task(t, now)
        for t in queue_for_officer(user=request.auth, status=None if status == "open" else status)
    ]


def _task_detail(request: ApiRequest, task_id: int) -> dict[str, Any]:
    task = task_for_officer(user=request.auth, task_id=task_id)
    if task is None:
        raise NotFound()
    view = task_view_for_officer(officer=request.auth, task=task)
    if view.full:
        access_record(
            actor=request.auth,
            resident_id=task.application.applicant_id,
            kind=Access.Kind.CASE,
            purpose=Access.Purpose.TASK,
            via=Access.Via.API,
            application_id=task.application_id,
            task_id=task.pk,
            agency_id=task.agency_id,
        )
    return {
        **_queue_task(task, timezone.now()),
        "applicant": view.applicant,
        "full": view.full,
        "fields": [{"key": item.key, "value": item.value} for item in view.fields],
        "inputs": [{"key": item.key, "value": item.value} for item in view.upstream],
        "materials": [
            {
                "key": item.key,
                "provided": item.provided,
                "upload": item.link.upload_id if item.link else None,
                "kind": item.link.upload.kind if item.link else None,
            }
            for item in view.materials
        ],
        "outputs": {item.key: item.value for item in view.outputs},
        "return_reason": task.return_reason,
        "return_items": task.return_items,
    }


@router.get(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **errors(400, 401, 404)},
    tags=["tasks"],
    operation_id="banshi_api_routes_task_detail",
)
def task_detail(request: ApiRequest, task_id: RecordId) -> dict[str, Any]:
    """Only what the task's service needs: its fields, its upstream outputs, its materials. In full
    (`full`) only to the officer holding the task or having decided it, and each such answer is
    recorded; to the rest of the agency personal values are masked and no document is named."""
    return _task_detail(request, task_id)


TRANSITION_RESPONSES = {200: TaskDetailOut, **errors(400, 401, 404, 409)}


@router.post(
    "/tasks/{task_id}/claim",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_claim",
)
def task_claim(request: ApiRequest, task_id: RecordId) -> dict[str, Any]:
    services.task_claim(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


@router.post(
    "/tasks/{task_id}/release",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_release",
)
def task_release(request: ApiRequest, task_id: RecordId) -> dict[str, Any]:
    services.task_release(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


class ApproveIn(Schema):
    """The outputs an officer types, by key; one left out, empty or null is generated where the
    service can generate it."""

    outputs: Annotated[
        dict[FieldKey, Annotated[str, StringConstraints(max_length=OUTPUT_MAX_LENGTH)] | None],
        Field(max_length=OUTPUTS_MAX, json_schema_extra=keys_as_property_names),
    ] = {}


@router.post(
    "/tasks/{task_id}/approve",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_approve",
)
def task_approve(request: ApiRequest, task_id: RecordId, payload: ApproveIn | None = None) -> dict[str, Any]:
    services.task_approve(actor=request.auth, task_id=task_id, outputs=payload.outputs if payload else {})
    return _task_detail(request, task_id)


Reason = Annotated[Lines, StringConstraints(min_length=1, max_length=REASON_MAX)]


class ReturnIn(Schema):
    """What the applicant must correct: `fields.<key>` and `materials.<key>` the service uses."""

    reason: Reason
    items: Annotated[
        list[Annotated[str, StringConstraints(pattern=ITEM, max_length=ITEM_MAX_LENGTH)]],
        Field(min_length=1, max_length=FIELDS_MAX + MATERIALS_MAX),
    ]


@router.post(
    "/tasks/{task_id}/return",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_return",
)
def task_return(request: ApiRequest, task_id: RecordId, payload: ReturnIn) -> dict[str, Any]:
    services.task_return(actor=request.auth, task_id=task_id, reason=payload.reason, items=payload.items)
    return _task_detail(request, task_id)


class RejectIn(Schema):
    reason: Reason


@router.post(
    "/tasks/{task_id}/reject",
    response=TRANSITION_RESPONSES,
    tags=["tasks"],
    operation_id="banshi_api_routes_task_reject",
)
def task_reject(request: ApiRequest, task_id: RecordId, payload: RejectIn) -> dict[str, Any]:
    services.task_reject(actor=request.auth, task_id=task_id, reason=payload.reason)
    return _task_detail(request, task_id)


# --- ratings -----------------------------------------------------------------------------------------


class RatingIn(Schema):
    level: int = Field(ge=min(Rating.Level.values), le=max(Rating.Level.values))
    comment: Lines = Field("", max_length=COMMENT_MAX)


class RatingOut(Schema):
    application: str
    level: int
    label: str
    comment: str
    created_at: datetime


@router.post(
    "/applications/{application_id}/rating",
    response={201: RatingOut, **errors(400, 401, 404, 409)},
    tags=["applications"],
    operation_id="banshi_api_ratings_application_rating_create",
)
def application_rating_create(request: ApiRequest, application_id: RecordId, payload: RatingIn) -> Status:
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
