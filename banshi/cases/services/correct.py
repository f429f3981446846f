from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Application, ApplicationMaterial, Correction, Task, Upload
from banshi.cases.services.flow import (
    application_advance,
    lock_application,
    write_events,
)
from banshi.catalog.validation import check_materials, check_values, upload_ids
from banshi.directory.selectors import agency_ids_for_officer
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.notify.services import notification_send
from banshi.worktime.hours import working_deadline

S = Task.Status


def application_correct(
    *, actor: User, application_id: int, task_id: int, values: Any, materials: Any
) -> Task:
    """The resident's fix of a returned task: exactly the items the officer named, nothing else, and
    every one of them changed (a field to another value, a document to another file). The return and
    what changed are kept (`Correction`); the task goes back to the officer who returned it (to its
    agency's queue if they no longer work there), its clock resuming where it stopped."""
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
        current = {
            link.key: link.upload
            for link in ApplicationMaterial.objects.filter(
                application=application, key__in=material_keys, replaced=False
            ).select_related("upload")
        }
        changes: list[dict[str, Any]] = []
        for key in field_keys:
            name = f"fields.{key}"
            if name in errors:
                continue
            old_value, new_value = application.values.get(key), clean_values.get(key)
            if _same(old_value, new_value):
                errors[name] = _("is the same as before: change it as the officer asked")
            changes.append({"item": name, "old": old_value, "new": new_value})
        for key in material_keys:
            name = f"materials.{key}"
            if name in errors:
                continue
            new_upload = uploads.get(clean_materials[key]) if key in clean_materials else None
            old_upload = current.get(key)
            if new_upload is None:
                errors[name] = _("send a new file: this document was returned")
            elif old_upload is not None and (
                new_upload.pk == old_upload.pk or new_upload.sha256 == old_upload.sha256
            ):
                errors[name] = _("is the same file that was returned: send a corrected one")
            else:
                changes.append(
                    {"item": name, "old": old_upload.pk if old_upload else None, "new": new_upload.pk}
                )
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
        returner = task.claimed_by
        Correction.objects.create(
            task=task,
            returned_by_id=task.claimed_by_id,
            returned_at=task.paused_at or now,
            reason=task.return_reason,
            items=task.return_items,
            changes=changes,
            corrected_at=now,
        )
        back_to_returner = returner is not None and task.agency_id in agency_ids_for_officer(user=returner)
        old = task.status
        new = S.CLAIMED if back_to_returner else S.READY
        check_move(Task, old, new)
        task.status = new
        if not back_to_returner:
            task.claimed_by = None
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
                new_state=new,
                at=now,
                extra={"items": task.return_items, "back_to": task.claimed_by_id},
            )
        ]
        events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
        write_events(events)
        if back_to_returner and returner is not None:
            notification_send(
                user=returner,
                title=_("Application %(number)s: the correction you asked for arrived")
                % {"number": application.number},
                body=str(task.spec.name),
                url=task.get_absolute_url(),
            )
    return task


def _same(old: Any, new: Any) -> bool:
    """Equal as stored: a value typed again in another form (spaces, fullwidth digits) is cleaned to
    the same."""
    return (old in (None, "") and new in (None, "")) or str(old) == str(new)
