import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_build
from banshi.cases.channels import submission_route
from banshi.cases.events import EventType
from banshi.cases.models import Application, ApplicationMaterial, SubjectClaim, Task, Upload
from banshi.cases.services.delivery import delivery_at_submission
from banshi.cases.services.flow import schedule_automatic_decision, task_clock, write_events
from banshi.cases.services.numbers import application_number
from banshi.catalog.models import Bundle
from banshi.catalog.rules import applicant_problems
from banshi.catalog.subject import SubjectKeys, subject_keys
from banshi.catalog.validation import check_answers, check_materials, check_values, upload_ids
from banshi.directory.models import Window
from banshi.directory.selectors import agency_ids_by_code
from banshi.lib.errors import Conflict, FieldErrors
from banshi.lib.text import TextProblem, clean_text, text_field
from banshi.worktime.hours import working_days_deadline


def submission_digest(*, bundle_code: Any, answers: Any, values: Any, materials: Any) -> str:
    """sha256 of the submission as sent, in canonical JSON (sorted keys, no spaces): the same request
    sent again, by an API client's retry or a page posted twice from the same draft, has the same."""
    payload = {"bundle": bundle_code, "answers": answers, "values": values, "materials": materials}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    # A lone surrogate is refused by the checks that follow; here it must only not break the digest.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def application_repeated(application: Application, *, digest: str) -> Application:
    """The application a repeated idempotency key was first used for, if the repeat sends the same;
    a Conflict if it sends something else. An application kept before digests were stored has none
    to compare and is returned as before."""
    if application.submission_digest and application.submission_digest != digest:
        raise Conflict(_("this Idempotency-Key was used for a different application"))
    return application


def _first_with_key(applicant: User, idempotency_key: str) -> Application | None:
    return Application.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()


def _subject_taken(first: Application, *, actor: User, applicant: User) -> Conflict:
    """The refusal of a second application for a subject, linking to the first for its own applicant
    (someone else learns only that one exists, and when it was made)."""
    if first.applicant_id == applicant.pk:
        message = _("An application for the same person was already made: %(number)s.") % {
            "number": first.number
        }
        link = None
        if actor.pk == applicant.pk:
            link = (first.get_absolute_url(), _("See application %(number)s") % {"number": first.number})
        return Conflict(message, link=link)
    return Conflict(
        _(
            "An application for the same person was already made on %(date)s by someone else. "
            "If that is a mistake, ask at a window."
        )
        % {"date": formats.date_format(timezone.localtime(first.submitted_at), "DATE_FORMAT")}
    )


def _subject_holder(bundle: Bundle, keys: SubjectKeys | None) -> Application | None:
    if keys is None:
        return None
    claim = SubjectClaim.objects.filter(bundle=bundle, key=keys.key).select_related("application").first()
    return claim.application if claim else None


def _claim_subject(bundle: Bundle, keys: SubjectKeys, application: Application) -> Application | None:
    """Hold the subject for `application`; the application that holds it already, if another does.
    ON CONFLICT DO NOTHING waits for a concurrent submission of the same subject to commit and then
    finds its claim (PostgreSQL), or runs after it (SQLite's one writer), and refuses no INSERT: a
    failed one would write its values to the database server's log."""
    SubjectClaim.objects.bulk_create(
        [SubjectClaim(bundle=bundle, key=keys.key, near_key=keys.near_key, application=application)],
        ignore_conflicts=True,
    )
    holder = _subject_holder(bundle, keys)
    return holder if holder is not None and holder.pk != application.pk else None


def subject_claims_backfill() -> list[tuple[str, str]]:
    """Claim the subject of every open or complete application that holds none (submitted before its
    bundle named a subject), by its bundle's current `subject`, oldest first. Returns the pairs
    (holder, later application) found for the same subject, for an officer to look at; nothing is
    refused or changed in them."""
    from banshi.cases.services.flow import SUBJECT_HELD

    pairs: list[tuple[str, str]] = []
    pending = (
        Application.objects.filter(status__in=SUBJECT_HELD, subject_claim__isnull=True)
        .select_related("bundle__current")
        .order_by("submitted_at", "pk")
    )
    for application in pending.iterator():
        current = application.bundle.current
        keys = subject_keys(current.spec, application.values) if current is not None else None
        if keys is None:
            continue
        with transaction.atomic():
            if first := _claim_subject(application.bundle, keys, application):
                pairs.append((first.number, application.number))
    return pairs


def _lock_applicant(applicant: User) -> None:
    """Serialise one applicant's submissions, so that a repeated key is found by the second of two
    concurrent requests rather than refused by the unique constraint: a failed INSERT would leave its
    values (ID numbers, names) in the database server's log."""
    list(User.objects.select_for_update(no_key=True).filter(pk=applicant.pk).values_list("pk", flat=True))


def application_submit(
    *,
    actor: User,
    applicant: User,
    bundle_code: str,
    answers: Any,
    values: Any,
    materials: Any,
    idempotency_key: str = "",
    channel: str = Application.Channel.ONLINE,
    window: Window | None = None,
) -> Application:
    """Submit one bundle: the application, one task per applicable service and the materials, in one
    transaction. A repeated idempotency key returns the first application and writes nothing, if it
    comes with the same submission; with another, it is a Conflict. The returned application carries
    its tasks in `submitted_tasks`."""
    try:
        idempotency_key = clean_text(idempotency_key or "")[:80]
    except TextProblem as problem:
        raise FieldErrors({"idempotency_key": str(problem)}) from None
    bundle_code = text_field(bundle_code, field="bundle", limit=40)
    digest = submission_digest(bundle_code=bundle_code, answers=answers, values=values, materials=materials)
    if idempotency_key and (existing := _first_with_key(applicant, idempotency_key)):
        return application_repeated(existing, digest=digest)
    bundle = (
        Bundle.objects.select_related("current")
        .defer("current__definition")
        .filter(code=bundle_code, active=True)
        .first()
    )
    if bundle is None or bundle.current is None:
        raise FieldErrors({"bundle": _("is not an open bundle")})
    version = bundle.current
    spec = version.spec
    clean_answers, errors = check_answers(spec, answers)
    plan = spec.plan(clean_answers)
    clean_values, value_errors = check_values(spec, plan, values if values is not None else {})
    uploaders = {applicant.pk, actor.pk}
    uploads = {u.id: u for u in Upload.objects.filter(owner_id__in=uploaders, id__in=upload_ids(materials))}
    clean_materials, material_errors = check_materials(
        spec, plan, materials if materials is not None else {}, uploads=uploads
    )
    errors |= value_errors | material_errors
    if not errors:
        errors |= applicant_problems(spec, clean_answers, clean_values, phone=applicant.phone)
    if errors:
        raise FieldErrors(errors)
    subject = subject_keys(spec, clean_values)
    if first := _subject_holder(bundle, subject):
        if (
            idempotency_key
            and first.applicant_id == applicant.pk
            and first.idempotency_key == idempotency_key
        ):
            return application_repeated(first, digest=digest)
        raise _subject_taken(first, actor=actor, applicant=applicant)
    agency_ids = agency_ids_by_code()
    now = timezone.now()
    # Allocated outside the transaction so that concurrent submissions do not queue on the counter
    # row; a repeat found inside it leaves a gap in the day's numbers, which is harmless.
    number = application_number(timezone.localdate(now))
    promised = working_days_deadline(now, spec.promise.working_days)
    with transaction.atomic():
        if idempotency_key:
            _lock_applicant(applicant)
            existing = Application.objects.filter(
                applicant=applicant, idempotency_key=idempotency_key
            ).first()
            if existing:
                return application_repeated(existing, digest=digest)
        application = Application.objects.create(
            number=number,
            applicant=applicant,
            submitted_by=actor,
            bundle=bundle,
            bundle_version=version,
            answers=clean_answers,
            values=clean_values,
            channel=channel,
            window=window,
            submitted_at=now,
            deadline=promised.at,
            deadline_estimated=promised.estimated,
            idempotency_key=idempotency_key,
            submission_digest=digest,
            **delivery_at_submission(spec, clean_answers, clean_values, applicant),
        )
        if subject is not None and (first := _claim_subject(bundle, subject, application)):
            raise _subject_taken(first, actor=actor, applicant=applicant)
        tasks = []
        for position, code in enumerate(plan.services):
            task = Task(
                application=application,
                service=code,
                position=position,
                agency_id=agency_ids[spec.services[code].agency],
            )
            if not any(upstream in plan.services for upstream in spec.services[code].depends_on):
                task.status, task.ready_at = Task.Status.READY, now
                task.deadline, task.deadline_estimated = task_clock(task, now)
            tasks.append(task)
        Task.objects.bulk_create(tasks)
        ApplicationMaterial.objects.bulk_create(
            [
                ApplicationMaterial(application=application, key=k, upload_id=v)
                for k, v in clean_materials.items()
            ]
        )
        events = [
            event_build(
                actor=actor,
                subject=application,
                event_type=EventType.APPLICATION_SUBMITTED,
                new_state=application.status,
                at=now,
                extra={"bundle": bundle.code, "channel": channel, "services": plan.services},
            )
        ]
        events += [
            event_build(
                actor=None,
                subject=task,
                event_type=EventType.TASK_READY,
                old_state="",
                new_state=task.status,
                at=now,
            )
            for task in tasks
            if task.status == Task.Status.READY
        ]
        write_events(events)
        for task in tasks:
            if task.status == Task.Status.READY:
                schedule_automatic_decision(task)
    application.submitted_tasks = tasks
    return application


def application_submit_online(
    *,
    actor: User,
    bundle_code: str,
    answers: Any,
    values: Any,
    materials: Any,
    idempotency_key: str = "",
) -> Application:
    """A resident sends their own application, from the pages or the API alike: through a route another
    app offers for this draft (after a video call whose pre-review passed, a video application), or
    else as a plain online one."""
    route = (
        submission_route(user=actor, bundle_code=bundle_code, answers=answers, materials=materials)
        if isinstance(answers, dict) and isinstance(materials, dict)
        else None
    )
    if route is not None:
        return route.submit(
            actor=actor, answers=answers, values=values, materials=materials, idempotency_key=idempotency_key
        )
    return application_submit(
        actor=actor,
        applicant=actor,
        bundle_code=bundle_code,
        answers=answers,
        values=values,
        materials=materials,
        idempotency_key=idempotency_key,
    )
