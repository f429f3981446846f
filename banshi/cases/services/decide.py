"""An officer's moves on a task: claim, release, approve, return for correction, reject."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Task
from banshi.cases.services.flow import (
    application_advance,
    lock_application,
    write_events,
)
from banshi.cases.services.numbers import citizen_id_number, document_number
from banshi.catalog.definition import OutputDef
from banshi.catalog.outputs import as_date, clean_output
from banshi.catalog.values import ValueProblem
from banshi.certificates.services import certificates_issue_for_task, certificates_revoke_for_application
from banshi.directory.selectors import agency_ids_for_officer, area_codes
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.notify.services import notification_send
from banshi.worktime.hours import working_span

S = Task.Status
REASON_MAX = 1000
OUTPUT_MAX_LENGTH = 60  # an output an officer types: a document or register number


def _locked_task(*, actor: User, task_id: int) -> tuple[Task, list[Task]]:
    agency_ids = agency_ids_for_officer(user=actor)
    application_id = (
        Task.objects.filter(pk=task_id, agency_id__in=agency_ids)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is None:
        raise NotFound()
    application, tasks = lock_application(application_id)
    task = next(t for t in tasks if t.pk == task_id)
    return task, tasks


def _require_claimer(task: Task, actor: User) -> None:
    if task.status == S.CLAIMED and task.claimed_by_id != actor.pk:
        raise Conflict(_("this task is being handled by another officer"))


def task_claim(*, actor: User, task_id: int) -> Task:
    """Compare-and-set, so two officers can never hold the same task."""
    agency_ids = agency_ids_for_officer(user=actor)
    with transaction.atomic():
        now = timezone.now()
        claimed = Task.objects.filter(pk=task_id, agency_id__in=agency_ids, status=S.READY).update(
            status=S.CLAIMED, claimed_by=actor
        )
        task = Task.objects.filter(pk=task_id, agency_id__in=agency_ids).select_related("application").first()
        if task is None:
            raise NotFound()
        if not claimed:
            if task.status == S.CLAIMED:
                if task.claimed_by_id == actor.pk:
                    return task
                raise Conflict(_("this task was claimed by someone else"))
            check_move(Task, task.status, S.CLAIMED)
            raise Conflict(_("this task is not ready to be claimed"))
        write_events(
            [
                event_build(
                    actor=actor,
                    subject=task,
                    event_type=EventType.TASK_CLAIMED,
                    old_state=S.READY,
                    new_state=S.CLAIMED,
                    at=now,
                )
            ]
        )
    return task


def task_release(*, actor: User, task_id: int) -> Task:
    with transaction.atomic():
        now = timezone.now()
        task, _tasks = _locked_task(actor=actor, task_id=task_id)
        _require_claimer(task, actor)
        check_move(Task, task.status, S.READY)
        task.status, task.claimed_by = S.READY, None
        task.save(update_fields=["status", "claimed_by"])
        write_events(
            [
                event_build(
                    actor=actor,
                    subject=task,
                    event_type=EventType.TASK_RELEASED,
                    old_state=S.CLAIMED,
                    new_state=S.READY,
                    at=now,
                )
            ]
        )
    return task


def task_approve(*, actor: User, task_id: int, outputs: Any = None) -> Task:
    """Approve and record the outputs; those the catalogue can generate are generated when left out.
    Downstream tasks whose inputs now all exist become ready in the same transaction."""
    outputs = {} if outputs is None else outputs
    if not isinstance(outputs, dict):
        raise FieldErrors({"outputs": _("must be an object of output: value")})
    with transaction.atomic():
        now = timezone.now()
        task, tasks = _locked_task(actor=actor, task_id=task_id)
        _require_claimer(task, actor)
        check_move(Task, task.status, S.APPROVED)
        approval_apply(task, tasks, actor=actor, given=outputs, now=now)
    return task


def approval_apply(
    task: Task,
    tasks: list[Task],
    *,
    actor: User | None,
    given: dict[str, Any],
    now: datetime,
    extra: dict[str, Any] | None = None,
    preceding: list[Event] | None = None,
) -> None:
    """The one approval, an officer's and the worker's alike, of a locked task whose move was checked:
    record its outputs (generating those left out), issue its documents, advance the application,
    audit it all (after `preceding`) and tell the applicant when a document is ready. FieldErrors when
    an output is wrong or cannot be generated; nothing of the approval is then kept."""
    # A savepoint, so that a failing output or document gives back the numbers drawn for it.
    with transaction.atomic():
        recorded = _outputs(task, given, now, tasks)
        old = task.status
        task.status, task.outputs, task.decided_at = S.APPROVED, recorded, now
        task.save(update_fields=["status", "outputs", "decided_at"])
        documents = certificates_issue_for_task(task=task, actor=actor, now=now)
    application = task.application
    approved = event_build(
        actor=actor,
        subject=task,
        event_type=EventType.TASK_APPROVED,
        old_state=old,
        new_state=S.APPROVED,
        at=now,
        extra={**(extra or {}), "outputs": sorted(recorded)},
    )
    events = [*(preceding or []), approved, *documents]
    events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
    write_events(events)
    if any(output.document for output in task.spec.produces.values()):
        notification_send(
            user=application.applicant,
            title=_("%(service)s is ready") % {"service": task.spec.name},
            body=_("Application %(number)s") % {"number": application.number},
            url=application.get_absolute_url(),
        )


def _outputs(task: Task, given: dict[str, Any], now: datetime, tasks: list[Task]) -> dict[str, str]:
    spec = task.spec
    values = task.application.values
    errors = {
        f"outputs.{key}": _("is not an output of this service") for key in given if key not in spec.produces
    }
    errors |= _consumed_problems(task, tasks)
    codes = area_codes() if any(o.kind == "id_number" for o in spec.produces.values()) else None
    recorded: dict[str, str] = {}
    for key, output in spec.produces.items():
        value = given.get(key)
        if value not in (None, ""):
            try:
                recorded[key] = clean_output(output, value, values=values, area_codes=codes)
            except ValueProblem as problem:
                errors[f"outputs.{key}"] = str(problem)
        elif output.generate == "number":
            recorded[key] = document_number(output.prefix, timezone.localdate(now))
        elif output.generate == "id_number":
            try:
                recorded[key] = _generated_id(task, output)
            except ValueError as problem:
                errors[f"outputs.{key}"] = str(problem)
        else:
            errors[f"outputs.{key}"] = _("is required")
    if errors:
        raise FieldErrors(errors)
    return recorded


def _consumed_problems(task: Task, tasks: list[Task]) -> dict[str, str]:
    """The upstream outputs this task consumes, checked again by their type before they flow into it:
    a value recorded before outputs were checked, or under an older definition, stops here."""
    spec = task.application.spec
    owners = spec.output_owner()
    by_service = {other.service: other for other in tasks}
    problems: dict[str, str] = {}
    codes: frozenset[str] | None = None
    for need in spec.services[task.service].needs:
        owner = by_service.get(owners.get(need, ""))
        if owner is None or owner.status != S.APPROVED or need not in owner.outputs:
            continue
        output = spec.services[owner.service].produces[need]
        if output.kind == "id_number" and codes is None:
            codes = area_codes()
        try:
            clean_output(output, str(owner.outputs[need]), values=task.application.values, area_codes=codes)
        except ValueProblem as problem:
            problems[f"inputs.{need}"] = _("%(output)s from %(service)s %(problem)s") % {
                "output": output.label,
                "service": spec.services[owner.service].name,
                "problem": problem,
            }
    return problems


def _generated_id(task: Task, output: OutputDef) -> str:
    values = task.application.values
    region = str(values.get(output.area_field or "", ""))
    birth = as_date(values.get(output.birth_field or ""))
    if len(region) != 6 or not region.isdigit() or birth is None:
        raise ValueError(_("cannot be generated from this application's data; enter it"))
    male = values.get(output.sex_field or "") == output.male_value
    return citizen_id_number(region=region, birth_date=birth, male=male)


def task_return(*, actor: User, task_id: int, reason: Any, items: Any) -> Task:
    """Send the task back to the resident, naming exactly the fields and materials to fix. The clock
    stops until the resident corrects them."""
    with transaction.atomic():
        now = timezone.now()
        task, tasks = _locked_task(actor=actor, task_id=task_id)
        _require_claimer(task, actor)
        check_move(Task, task.status, S.RETURNED)
        allowed = returnable_items(task)
        errors: dict[str, str] = {}
        try:
            reason = text_field(reason, field="reason", limit=REASON_MAX, required=True, multiline=True)
        except FieldErrors as problem:
            errors |= problem.errors
        if not isinstance(items, list) or not items:
            errors["items"] = _("name at least one field or material to fix")
        else:
            unknown = [str(item) for item in items if item not in allowed]
            if unknown:
                errors["items"] = _("not needed by this service: %(items)s") % {"items": ", ".join(unknown)}
        if errors:
            raise FieldErrors(errors)
        old = task.status
        task.status, task.return_reason, task.return_items = (
            S.RETURNED,
            reason,
            list(dict.fromkeys(items)),
        )
        task.paused_at = now
        if task.deadline:
            # While paused, `deadline_estimated` tells whether the time left was counted on a guess.
            task.paused_remaining, task.deadline_estimated = working_span(now, task.deadline)
        task.save(
            update_fields=[
                "status",
                "return_reason",
                "return_items",
                "paused_at",
                "paused_remaining",
                "deadline_estimated",
            ]
        )
        events = [
            event_build(
                actor=actor,
                subject=task,
                event_type=EventType.TASK_RETURNED,
                old_state=old,
                new_state=S.RETURNED,
                at=now,
                reason=task.return_reason,
                extra={"items": task.return_items},
            )
        ]
        application = task.application
        events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
        write_events(events)
        notification_send(
            user=application.applicant,
            title=_("Application %(number)s needs a correction") % {"number": application.number},
            body=str(task.spec.name),
            url=application.get_absolute_url(),
        )
    return task


def returnable_items(task: Task) -> list[str]:
    """The fields (`fields.x`) and materials (`materials.x`) of the application that this task uses."""
    spec = task.application.spec
    plan = spec.plan(task.application.answers)
    service = spec.services[task.service]
    needed: set[str] = set()
    for need in service.needs:
        needed.update(spec.expand_need(need))
    fields = [f"fields.{key}" for key in plan.fields if key in needed]
    materials = [f"materials.{key}" for key in plan.materials if f"materials.{key}" in needed]
    return fields + materials


def _reject_held(
    task: Task, *, actor: User, reason: Any, now: datetime, extra: dict[str, Any] | None = None
) -> tuple[str, Event]:
    """The officer holding `task` refuses it, giving the reason: the reason cleaned, and the event."""
    _require_claimer(task, actor)
    check_move(Task, task.status, S.REJECTED)
    reason = text_field(reason, field="reason", limit=REASON_MAX, required=True, multiline=True)
    old = task.status
    task.status, task.decision_reason, task.decided_at = S.REJECTED, reason, now
    task.save(update_fields=["status", "decision_reason", "decided_at"])
    event = event_build(
        actor=actor,
        subject=task,
        event_type=EventType.TASK_REJECTED,
        old_state=old,
        new_state=S.REJECTED,
        at=now,
        reason=reason,
        extra=extra,
    )
    return reason, event


def task_reject(*, actor: User, task_id: int, reason: Any) -> Task:
    with transaction.atomic():
        now = timezone.now()
        task, tasks = _locked_task(actor=actor, task_id=task_id)
        reason, rejected = _reject_held(task, actor=actor, reason=reason, now=now)
        events = [rejected]
        application = task.application
        events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
        write_events(events)
        notification_send(
            user=application.applicant,
            title=_("%(service)s was refused") % {"service": task.spec.name},
            body=task.decision_reason,
            url=application.get_absolute_url(),
        )
    return task


def application_reject(*, actor: User, task_id: int, reason: Any) -> Task:
    """The officer holding a task refuses the whole application (a duplicate, or a subject that does
    not exist): their task is rejected, every other open task cancelled, every document already issued
    for it revoked, and the application closes, freeing its subject."""
    with transaction.atomic():
        now = timezone.now()
        task, tasks = _locked_task(actor=actor, task_id=task_id)
        reason, rejected = _reject_held(
            task, actor=actor, reason=reason, now=now, extra={"whole_application": True}
        )
        events = [rejected]
        for other in tasks:
            if other.pk == task.pk or S.CANCELLED not in Task.TRANSITIONS[S(other.status)]:
                continue
            previous = other.status
            other.status, other.decided_at = S.CANCELLED, now
            other.decision_reason = _("the application was refused")
            other.claimed_by = None
            other.save(update_fields=["status", "decided_at", "decision_reason", "claimed_by"])
            events.append(
                event_build(
                    actor=actor,
                    subject=other,
                    event_type=EventType.TASK_CANCELLED,
                    old_state=previous,
                    new_state=S.CANCELLED,
                    at=now,
                    reason=reason,
                )
            )
        application = task.application
        events += certificates_revoke_for_application(
            application=application, actor=actor, reason=reason, now=now
        )
        events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
        write_events(events)
        notification_send(
            user=application.applicant,
            title=_("Application %(number)s was refused") % {"number": application.number},
            body=reason,
            url=application.get_absolute_url(),
        )
    return task
