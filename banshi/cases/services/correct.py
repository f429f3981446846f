from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Application, ApplicationMaterial, Task, Upload
from banshi.cases.services.flow import (
    application_advance,
    lock_application,
    write_events,
)
from banshi.catalog.validation import check_materials, check_values, upload_ids
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.worktime.hours import working_deadline

S = Task.Status


def application_correct(
    *, actor: User, application_id: int, task_id: int, values: Any, materials: Any
) -> Task:
    """The resident's fix of a returned task: exactly the items the officer named, nothing else. Only
    that task goes back to its agency's queue, its clock resuming where it stopped."""
    values = {} if values is None else values
    materials = {} if materials is None else materials
    if not isinstance(values, dict) or not isinstance(materials, dict):
        raise FieldErrors({"fields": _("must be objects of key: value")})
    with transaction.atomic():
        now = timezone.now()
        if not Application.objects.filter(pk=application_id, applicant=actor).exists():
            raise NotFound()
        application, tasks = lock_application(application_id)
        task = next((t for t in tasks if t.pk == task_id), None)
        if task is None:
            raise NotFound()
        if task.status != S.RETURNED:
            raise Conflict(_("this service is not waiting for a correction"))
        check_move(Task, task.status, S.READY)
        spec = application.spec
        plan = spec.plan(application.answers)
        field_keys = [
            item.removeprefix("fields.") for item in task.return_items if item.startswith("fields.")
        ]
        material_keys = [
            item.removeprefix("materials.") for item in task.return_items if item.startswith("materials.")
        ]
        errors: dict[str, str] = {}
        for key in values:
            if key not in field_keys:
                errors[f"fields.{key}"] = _("was not asked to be corrected")
        for key in materials:
            if key not in material_keys:
                errors[f"materials.{key}"] = _("was not asked to be corrected")
        extra_values = {k: v for k, v in values.items() if k in field_keys}
        clean_values, value_errors = check_values(
            spec, plan, extra_values, only=field_keys, known=application.values
        )
        uploads = {
            u.id: u
            for u in Upload.objects.filter(
                owner_id__in={actor.pk, application.submitted_by_id}, id__in=upload_ids(materials)
            )
        }
        clean_materials, material_errors = check_materials(
            spec,
            plan,
            {k: v for k, v in materials.items() if k in material_keys},
            uploads=uploads,
            only=material_keys,
        )
        errors |= value_errors | material_errors
        if errors:
            raise FieldErrors(errors)
        application.values = {**application.values, **clean_values}
        for key in field_keys:
            if key not in clean_values:
                application.values.pop(key, None)
        application.save(update_fields=["values"])
        if clean_materials:
            ApplicationMaterial.objects.filter(
                application=application, key__in=clean_materials, replaced=False
            ).update(replaced=True)
            ApplicationMaterial.objects.bulk_create(
                [
                    ApplicationMaterial(application=application, key=k, upload_id=v)
                    for k, v in clean_materials.items()
                ]
            )
        old = task.status
        task.status, task.claimed_by = S.READY, None
        if task.paused_remaining is not None:
            # The clock resumes where it stopped: what was left when it was returned, counted on.
            resumed = working_deadline(now, task.paused_remaining)
            task.deadline = resumed.at
            task.deadline_estimated = task.deadline_estimated or resumed.estimated
        task.paused_at, task.paused_remaining = None, None
        task.save(
            update_fields=[
                "status",
                "claimed_by",
                "deadline",
                "deadline_estimated",
                "paused_at",
                "paused_remaining",
            ]
        )
        events = [
            event_build(
                actor=actor,
                subject=task,
                event_type=EventType.TASK_CORRECTED,
                old_state=old,
                new_state=S.READY,
                at=now,
                extra={"items": task.return_items},
            )
        ]
        events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
        write_events(events)
    return task
