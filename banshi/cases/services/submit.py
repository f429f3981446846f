from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Application, ApplicationMaterial, Task, Upload
from banshi.cases.services.flow import application_advance, audit_event, write_events
from banshi.cases.services.numbers import application_number
from banshi.cases.validation import check_answers, check_materials, check_values
from banshi.catalog.models import Bundle
from banshi.directory.models import Agency
from banshi.lib.errors import FieldErrors
from banshi.worktime.hours import add_working_hours, hours_per_working_day


def application_submit(
    *,
    actor,
    applicant,
    bundle_code: str,
    answers: Any,
    values: Any,
    materials: Any,
    idempotency_key: str = "",
    channel: str = Application.Channel.ONLINE,
    window=None,
) -> Application:
    """Submit one bundle: the application, one task per applicable service and the materials, in one
    transaction. A repeated idempotency key returns the first application and writes nothing."""
    idempotency_key = (idempotency_key or "")[:80]
    if idempotency_key:
        existing = Application.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if existing:
            return existing
    bundle = Bundle.objects.select_related("current").filter(code=bundle_code, active=True).first()
    if bundle is None or bundle.current is None:
        raise FieldErrors({"bundle": _("is not an open bundle")})
    version = bundle.current
    spec = version.spec
    clean_answers, errors = check_answers(spec, answers)
    plan = spec.plan(clean_answers)
    clean_values, value_errors = check_values(spec, plan, values if values is not None else {})
    uploaders = {applicant.pk, actor.pk}
    uploads = {u.id: u for u in Upload.objects.filter(owner_id__in=uploaders, id__in=_ids(materials))}
    clean_materials, material_errors = check_materials(
        spec, plan, materials if materials is not None else {}, uploads=uploads
    )
    errors |= value_errors | material_errors
    if errors:
        raise FieldErrors(errors)
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in={spec.services[c].agency for c in plan.services})
    }
    try:
        with transaction.atomic():
            now = timezone.now()
            application = Application.objects.create(
                number=application_number(timezone.localdate(now)),
                applicant=applicant,
                submitted_by=actor,
                bundle=bundle,
                bundle_version=version,
                answers=clean_answers,
                values=clean_values,
                channel=channel,
                window=window,
                submitted_at=now,
                deadline=add_working_hours(now, spec.promise.working_days * hours_per_working_day()),
                idempotency_key=idempotency_key,
            )
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        application=application,
                        service=code,
                        position=i,
                        agency=agencies[spec.services[code].agency],
                    )
                    for i, code in enumerate(plan.services)
                ]
            )
            ApplicationMaterial.objects.bulk_create(
                [
                    ApplicationMaterial(application=application, key=k, upload_id=v)
                    for k, v in clean_materials.items()
                ]
            )
            for task in tasks:
                task.application = application
            events = [
                audit_event(
                    actor=actor,
                    subject=application,
                    event_type="application.submitted",
                    new=application.status,
                    at=now,
                    extra={"bundle": bundle.code, "channel": channel, "services": plan.services},
                )
            ]
            events += application_advance(application=application, tasks=tasks, actor=actor, now=now)
            write_events(events)
    except IntegrityError:
        if idempotency_key:
            existing = Application.objects.filter(
                applicant=applicant, idempotency_key=idempotency_key
            ).first()
            if existing:
                return existing
        raise
    return application


def _ids(materials: Any) -> list[int]:
    if not isinstance(materials, dict):
        return []
    ids = []
    for raw in materials.values():
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    return ids
