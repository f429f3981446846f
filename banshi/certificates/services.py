"""Issuing numbered documents when a task is approved, and revoking them.

Certificates sits beside cases and is called by it: an approval (an officer's or the rule's) calls
`certificates_issue_for_task` inside its own transaction. So this module imports cases' models, never
its services."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.audit.services import event_build, event_record
from banshi.cases.models import Application, Task
from banshi.certificates.events import EventType
from banshi.certificates.models import NUMBER_SHAPE, Certificate
from banshi.directory.selectors import agency_ids_for_officer
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.personal import mask_name
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.notify.services import notification_send

C = Certificate.Status

# Contact and payment details, and who collects the results where, are about delivering the service,
# not what the document certifies: they stay off the document.
OFF_DOCUMENT_TYPES = {"phone", "email", "bank_account"}
OFF_DOCUMENT_GROUPS = {"collector", "delivery"}
REASON_MAX_LENGTH = 1000


def certificates_issue_for_task(*, task: Task, actor: User | None, now: datetime) -> list[Event]:
    """One certificate per document output of an approved task, numbered with the output's value.
    Called inside the approval's transaction; a number that is malformed or already used refuses the
    approval with a message next to the output. Returns the audit events to write."""
    service = task.spec
    documents = {key: output for key, output in service.produces.items() if output.document}
    if not documents:
        return []
    numbers = {key: str(task.outputs.get(key, "")) for key in documents}
    errors: dict[str, str] = {}
    for key, number in numbers.items():
        if not NUMBER_SHAPE.match(number):
            errors[f"outputs.{key}"] = _("must be 4 to 40 capital letters (A–Z) or digits")
    taken = set(Certificate.objects.filter(number__in=numbers.values()).values_list("number", flat=True))
    seen: set[str] = set()
    for key, number in numbers.items():
        if number in taken or number in seen:
            errors.setdefault(f"outputs.{key}", _("is already the number of another document"))
        seen.add(number)
    if errors:
        raise FieldErrors(errors)

    content = document_content(task)
    holder = mask_name(_holder_name(task))
    # ON CONFLICT DO NOTHING: a number typed by two officers at the same moment is refused with a
    # message rather than by a failed INSERT, whose values (what the document says) the database
    # server would write to its log.
    Certificate.objects.bulk_create(
        [
            Certificate(
                number=numbers[key],
                document_type=key,
                title=service.name.model_dump(by_alias=True),
                label=output.label.model_dump(by_alias=True),
                task=task,
                application=task.application,
                agency_id=task.agency_id,
                issued_at=now,
                content=content,
                holder_display=holder,
            )
            for key, output in documents.items()
        ],
        ignore_conflicts=True,
    )
    issued = {
        certificate.document_type: certificate
        for certificate in Certificate.objects.filter(task=task, document_type__in=documents)
    }
    lost = [key for key in documents if key not in issued or issued[key].number != numbers[key]]
    if lost:
        raise FieldErrors({f"outputs.{key}": _("is already the number of another document") for key in lost})
    events = []
    for key in documents:
        certificate = issued[key]
        events.append(
            event_build(
                actor=actor,
                subject=certificate,
                event_type=EventType.CERTIFICATE_ISSUED,
                new_state=C.VALID,
                at=now,
                extra={"number": certificate.number, "document_type": key, "task": task.pk},
            )
        )
    return events


def document_content(task: Task) -> dict[str, list[list[str]]]:
    """What the document states: the fields its service used and the outputs it relies on or made,
    each as [key, value], in the catalogue's order (a list, because a jsonb object forgets order)."""
    application = task.application
    spec = application.spec
    service = spec.services[task.service]
    needed: list[str] = []
    for need in service.needs:
        needed.extend(spec.expand_need(need))
    plan = spec.plan(application.answers)
    fields = [
        [key, str(application.values[key])]
        for key in plan.fields
        if key in needed
        and application.values.get(key) not in (None, "")
        and spec.fields[key].type not in OFF_DOCUMENT_TYPES
        and key.split(".", 1)[0] not in OFF_DOCUMENT_GROUPS
    ]
    upstream: dict[str, str] = {}
    owners = spec.output_owner()
    wanted = {key for key in needed if key in owners}
    if wanted:
        for other in Task.objects.filter(
            application=application, service__in={owners[key] for key in wanted}, status=Task.Status.APPROVED
        ):
            upstream.update({key: value for key, value in other.outputs.items() if key in wanted})
    outputs = [[key, str(upstream[key])] for key in needed if key in upstream]
    outputs += [
        [key, str(value)]
        for key, value in task.outputs.items()
        if key in service.produces and not service.produces[key].document
    ]
    return {"fields": fields, "outputs": outputs}


def _holder_name(task: Task) -> str:
    """The person the document is about: the first name among the fields its service needs (the
    newborn for every service of the newborn bundle), else the applicant."""
    spec = task.application.spec
    values = task.application.values
    for need in spec.services[task.service].needs:
        for key in spec.expand_need(need):
            if key.endswith(".name") and key in spec.fields and values.get(key):
                return str(values[key])
    applicant = task.application.applicant
    return applicant.display_name or ""


def certificates_revoke_for_application(
    *, application: Application, actor: User | None, reason: str, now: datetime
) -> list[Event]:
    """Revoke every valid document of an application that is rejected or withdrawn as a whole: what
    it certified no longer stands. Called inside the caller's transaction, with the application
    locked; returns the audit events to write. The applicant is told once, by the caller."""
    certificates = list(
        Certificate.objects.select_for_update(of=("self",)).filter(application=application, status=C.VALID)
    )
    events = []
    for certificate in certificates:
        check_move(Certificate, certificate.status, C.REVOKED)
        certificate.status, certificate.revoked_at = C.REVOKED, now
        certificate.revoked_by, certificate.revoke_reason = actor, reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        events.append(
            event_build(
                actor=actor,
                subject=certificate,
                event_type=EventType.CERTIFICATE_REVOKED,
                old_state=C.VALID,
                new_state=C.REVOKED,
                reason=reason,
                at=now,
                extra={
                    "number": certificate.number,
                    "document_type": certificate.document_type,
                    "with_application": application.number,
                },
            )
        )
    return events


def certificate_revoke(*, actor: User, number: Any, reason: Any) -> Certificate:
    """An officer of the issuing agency revokes a document; the verification page says so at once."""
    agency_ids = agency_ids_for_officer(user=actor)
    if not isinstance(number, str) or not NUMBER_SHAPE.match(number) or not agency_ids:
        raise NotFound()
    with transaction.atomic():
        now = timezone.now()
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("application__applicant", "agency")
            .filter(number=number, agency_id__in=agency_ids)
            .first()
        )
        if certificate is None:
            raise NotFound()
        if C.REVOKED not in Certificate.TRANSITIONS[C(certificate.status)]:
            raise Conflict(_("this document is already revoked"))
        if not isinstance(reason, str):
            raise FieldErrors({"reason": _("is required")})
        reason = text_field(reason, field="reason", limit=REASON_MAX_LENGTH, required=True, multiline=True)
        old = certificate.status
        certificate.status, certificate.revoked_at = C.REVOKED, now
        certificate.revoked_by, certificate.revoke_reason = actor, reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        event_record(
            actor=actor,
            subject=certificate,
            event_type=EventType.CERTIFICATE_REVOKED,
            old_state=old,
            new_state=C.REVOKED,
            reason=certificate.revoke_reason,
            extra={"number": certificate.number, "document_type": certificate.document_type},
            at=now,
        )
        application = certificate.application
        notification_send(
            user=application.applicant,
            title=_("%(document)s %(number)s was revoked")
            % {"document": certificate.title_text, "number": certificate.number},
            body=_("Contact %(agency)s if you have questions.") % {"agency": certificate.agency.name},
            url=application.get_absolute_url(),
        )
    return certificate
