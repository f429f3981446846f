from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.utils import timezone
from ninja import File, Header, Schema, Status
from ninja.files import UploadedFile

from banshi.accounts.services import api_token_issue
from banshi.api.api import api
from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.selectors import application_for_owner, queue_for_officer, task_for_officer, task_inputs
from banshi.catalog.selectors import bundle_open, bundles_open
from banshi.lib.errors import FieldErrors, NotFound


class Error(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[Error]


# --- auth --------------------------------------------------------------------------------------------


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@api.post("/auth/token", auth=None, response={200: TokenOut, 400: Errors}, tags=["auth"])
def token_create(request, payload: TokenIn):
    """Exchange a user name or mobile number and a password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise FieldErrors({"password": "the user name or mobile number and password do not match"})
    key, token = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at}


# --- catalogue ---------------------------------------------------------------------------------------


class BundleSummary(Schema):
    code: str
    name: str
    summary: str
    promise_working_days: int


class Option(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    key: str
    label: str
    options: list[Option]


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    options: list[Option]
    when: dict[str, Any]
    services: list[str]


class MaterialOut(Schema):
    key: str
    label: str
    accept: list[str]
    required: bool
    when: dict[str, Any]
    services: list[str]


class OutputOut(Schema):
    key: str
    label: str
    document: bool


class ServiceOut(Schema):
    code: str
    name: str
    agency: str
    depends_on: list[str]
    outputs: list[OutputOut]
    when: dict[str, Any]
    time_limit_working_hours: int


class BundleOut(BundleSummary):
    questions: list[QuestionOut]
    fields: list[FieldOut]
    materials: list[MaterialOut]
    services: list[ServiceOut]


def _summary(bundle) -> dict:
    spec = bundle.current.spec
    return {
        "code": bundle.code,
        "name": str(spec.name),
        "summary": str(spec.summary),
        "promise_working_days": spec.promise.working_days,
    }


def _options(options: dict) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in options.items()]


@api.get("/bundles", auth=None, response=list[BundleSummary], tags=["catalogue"])
def bundle_list(request):
    return [_summary(bundle) for bundle in bundles_open()]


@api.get("/bundles/{code}", auth=None, response={200: BundleOut, 404: Errors}, tags=["catalogue"])
def bundle_detail(request, code: str):
    """The merged form: every field asked once, each with the services that need it and the answers
    (`when`) under which it applies."""
    bundle = bundle_open(code=code)
    if bundle is None:
        raise NotFound()
    spec = bundle.current.spec
    needed_by: dict[str, list[str]] = {}
    for service_code, service in spec.services.items():
        for need in service.needs:
            for key in spec.expand_need(need):
                needed_by.setdefault(key, []).append(service_code)
    return {
        **_summary(bundle),
        "questions": [
            {"key": key, "label": str(q.label), "options": _options(q.options)}
            for key, q in spec.questions.items()
        ],
        "fields": [
            {
                "key": key,
                "label": str(f.label),
                "type": f.type,
                "required": f.required,
                "options": _options(f.options),
                "when": f.when,
                "services": needed_by.get(key, []),
            }
            for key, f in spec.fields.items()
            if key in needed_by
        ],
        "materials": [
            {
                "key": key,
                "label": str(m.label),
                "accept": m.accept,
                "required": m.required,
                "when": m.when,
                "services": needed_by.get(f"materials.{key}", []),
            }
            for key, m in spec.materials.items()
            if f"materials.{key}" in needed_by
        ],
        "services": [
            {
                "code": code_,
                "name": str(s.name),
                "agency": s.agency,
                "depends_on": s.depends_on,
                "outputs": [
                    {"key": k, "label": str(o.label), "document": o.document} for k, o in s.produces.items()
                ],
                "when": s.when,
                "time_limit_working_hours": s.time_limit.working_hours,
            }
            for code_, s in ((c, spec.services[c]) for c in spec.service_order())
        ],
    }


# --- uploads -----------------------------------------------------------------------------------------


class UploadOut(Schema):
    id: int
    kind: str
    size: int


@api.post("/uploads", response={201: UploadOut, 400: Errors}, tags=["applications"])
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


@api.post("/applications", response={201: ApplicationOut, 400: Errors}, tags=["applications"])
def application_create(
    request, payload: ApplicationIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    """Submit a bundle. A retried request with the same `Idempotency-Key` returns the first
    application and never creates a second."""
    application = services.application_submit(
        actor=request.auth,
        applicant=request.auth,
        bundle_code=payload.bundle,
        answers=payload.answers,
        values=payload.fields,
        materials=payload.materials,
        idempotency_key=idempotency_key,
    )
    if not hasattr(application, "submitted_tasks"):  # a retry answered with the first application
        application = application_for_owner(user=request.auth, pk=application.pk)
    return Status(201, _application(application))


@api.get("/applications/{application_id}", response={200: ApplicationOut, 404: Errors}, tags=["applications"])
def application_detail(request, application_id: int):
    application = application_for_owner(user=request.auth, pk=application_id)
    if application is None:
        raise NotFound()
    return _application(application)


class CorrectionIn(Schema):
    task: int
    fields: dict[str, Any] = {}
    materials: dict[str, Any] = {}


@api.post(
    "/applications/{application_id}/corrections",
    response={200: ApplicationOut, 400: Errors, 404: Errors, 409: Errors},
    tags=["applications"],
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
        "overdue": bool(
            task.deadline and task.deadline < now and task.status in (Task.Status.READY, Task.Status.CLAIMED)
        ),
        "claimed_by": task.claimed_by.username if task.claimed_by else None,
    }


@api.get("/tasks", response={200: list[QueueTaskOut], 400: Errors}, tags=["tasks"])
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


@api.get("/tasks/{task_id}", response={200: TaskDetailOut, 404: Errors}, tags=["tasks"])
def task_detail(request, task_id: int):
    """Only what the task's service needs: its fields, its upstream outputs, its materials."""
    return _task_detail(request, task_id)


TRANSITION_RESPONSES = {200: TaskDetailOut, 400: Errors, 404: Errors, 409: Errors}


@api.post("/tasks/{task_id}/claim", response=TRANSITION_RESPONSES, tags=["tasks"])
def task_claim(request, task_id: int):
    services.task_claim(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


@api.post("/tasks/{task_id}/release", response=TRANSITION_RESPONSES, tags=["tasks"])
def task_release(request, task_id: int):
    services.task_release(actor=request.auth, task_id=task_id)
    return _task_detail(request, task_id)


class ApproveIn(Schema):
    outputs: dict[str, Any] = {}


@api.post("/tasks/{task_id}/approve", response=TRANSITION_RESPONSES, tags=["tasks"])
def task_approve(request, task_id: int, payload: ApproveIn | None = None):
    services.task_approve(actor=request.auth, task_id=task_id, outputs=payload.outputs if payload else {})
    return _task_detail(request, task_id)


class ReturnIn(Schema):
    reason: str
    items: list[str]


@api.post("/tasks/{task_id}/return", response=TRANSITION_RESPONSES, tags=["tasks"])
def task_return(request, task_id: int, payload: ReturnIn):
    services.task_return(actor=request.auth, task_id=task_id, reason=payload.reason, items=payload.items)
    return _task_detail(request, task_id)


class RejectIn(Schema):
    reason: str


@api.post("/tasks/{task_id}/reject", response=TRANSITION_RESPONSES, tags=["tasks"])
def task_reject(request, task_id: int, payload: RejectIn):
    services.task_reject(actor=request.auth, task_id=task_id, reason=payload.reason)
    return _task_detail(request, task_id)
