"""The orchestrator: which tasks an application's state unlocks, and the application's own state as
it follows from its tasks. Called inside the transaction of each change, with the application locked."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.audit.services import event_build
from banshi.cases.events import APPLICATION_MOVED_TO, TASK_MOVED_TO
from banshi.cases.models import Application, SubjectClaim, Task
from banshi.cases.tasks import decide_automatically as decide_automatically_task
from banshi.lib.states import check_move
from banshi.notify.services import notification_send
from banshi.worktime.hours import Deadline, working_deadline

S = Task.Status
TERMINAL = {S.APPROVED, S.REJECTED, S.CANCELLED}


def task_clock(task: Task, start: datetime) -> Deadline:
    """The task's deadline when its clock starts at `start`, and whether the calendar had to guess."""
    return working_deadline(start, timedelta(hours=task.spec.time_limit.working_hours))


def application_advance(
    *, application: Application, tasks: list[Task], actor: User | None, now: datetime
) -> list[Event]:
    """Move waiting tasks whose upstream services are all approved to ready (or cancel them when an
    upstream service was refused), then bring the application's status in line. Saves what changed
    and returns the audit events to write."""
    spec = application.spec
    by_service = {task.service: task for task in tasks}
    events: list[Event] = []
    changed = True
    while changed:
        changed = False
        for task in tasks:
            if task.status != S.WAITING:
                continue
            upstream = [
                by_service[code] for code in spec.services[task.service].depends_on if code in by_service
            ]
            if any(up.status in (S.REJECTED, S.CANCELLED) for up in upstream):
                new = S.CANCELLED
            elif all(up.status == S.APPROVED for up in upstream):
                new = S.READY
            else:
                continue
            old, task.status = task.status, new
            fields = ["status"]
            if new == S.READY:
                task.ready_at = now
                task.deadline, task.deadline_estimated = task_clock(task, now)
                fields += ["ready_at", "deadline", "deadline_estimated"]
                schedule_automatic_decision(task)
            else:
                task.decided_at, task.decision_reason = now, _("an earlier service was refused")
                fields += ["decided_at", "decision_reason"]
            task.save(update_fields=fields)
            events.append(
                event_build(
                    actor=None,
                    subject=task,
                    event_type=TASK_MOVED_TO[new],
                    old_state=old,
                    new_state=new,
                    at=now,
                )
            )
            changed = True
    events += _application_status(application=application, tasks=tasks, actor=actor, now=now)
    return events


def _application_status(
    *, application: Application, tasks: list[Task], actor: User | None, now: datetime
) -> list[Event]:
    A = Application.Status
    if any(task.status == S.RETURNED for task in tasks):
        new = A.CORRECTION_NEEDED
    elif all(task.status in TERMINAL for task in tasks):
        new = A.COMPLETE if all(task.status == S.APPROVED for task in tasks) else A.CLOSED
    else:
        new = A.IN_PROGRESS
    old = application.status
    if new == old:
        return []
    check_move(Application, old, new)
    application.status = new
    fields = ["status"]
    if new in (A.COMPLETE, A.CLOSED):
        application.completed_at = now
        fields.append("completed_at")
    application.save(update_fields=fields)
    if new not in SUBJECT_HELD:
        subject_release(application)
    url = application.get_absolute_url()
    if new == A.COMPLETE:
        notification_send(
            user=application.applicant,
            title=_("Application %(number)s is complete") % {"number": application.number},
            body=_("Every certificate is ready."),
            url=url,
        )
    elif new == A.CLOSED:
        notification_send(
            user=application.applicant,
            title=_("Application %(number)s is finished") % {"number": application.number},
            body=_("Some services were refused; see the reasons on the status page."),
            url=url,
        )
    return [
        event_build(
            actor=actor,
            subject=application,
            event_type=APPLICATION_MOVED_TO[new],
            old_state=old,
            new_state=new,
            at=now,
        )
    ]


# While an application is in one of these, no other application for its subject is taken.
SUBJECT_HELD = {
    Application.Status.IN_PROGRESS,
    Application.Status.CORRECTION_NEEDED,
    Application.Status.COMPLETE,
}


def subject_release(application: Application) -> None:
    """Let the subject of a closed (or withdrawn) application be applied for again."""
    SubjectClaim.objects.filter(application=application).delete()


def lock_application(application_id: int) -> tuple[Application, list[Task]]:
    """Lock the application row (serialising every change to one application) and load its tasks."""
    application = (
        Application.objects.select_for_update()
        .select_related("bundle_version", "applicant")
        .get(pk=application_id)
    )
    tasks = list(Task.objects.filter(application=application).order_by("position"))
    for task in tasks:
        task.application = application
    return application, tasks


def write_events(events: list[Event]) -> None:
    if events:
        Event.objects.bulk_create(events)


def schedule_automatic_decision(task: Task) -> None:
    """A ready task of a service the catalogue marks `decide: automatic` is decided by the worker. The
    queue lives in the same database, so the job is written in the transaction that made the task
    ready: it exists exactly when the change does (a rollback queues nothing, a crash after commit
    loses nothing), and it costs no second commit."""
    if task.spec.decide == "automatic":
        decide_automatically_task.enqueue(task.pk)
