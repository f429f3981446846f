"""Services the catalogue marks `decide: automatic` are decided by the task worker, not an officer:
as soon as such a task is ready (its inputs all exist), the rule approves it and generates its outputs.

The task goes READY → CLAIMED → APPROVED like an officer's, with no actor, in one transaction; both
moves are audited with the rule that made them, and its documents are issued as an officer's approval
issues them. There is deliberately no READY → APPROVED arrow in `Task.TRANSITIONS`: it would let an
officer approve a task nobody claimed."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Task
from banshi.cases.services.decide import approval_apply
from banshi.cases.services.flow import (
    lock_application,
    write_events,
)
from banshi.cases.tasks import decide_automatically as decide_automatically_task
from banshi.lib.errors import FieldErrors
from banshi.lib.states import check_move

S = Task.Status
RULE = "catalog: decide automatic"


def task_decide_automatically(*, task_id: int) -> str:
    """Approve a ready automatic task and advance its application. Does nothing (and says why) when
    the task is gone, no longer ready (decided already, or taken by an officer) or not automatic, so
    the worker can run it twice. When an output cannot be generated the task stays ready for an
    officer, and that is audited."""
    application_id = Task.objects.filter(pk=task_id).values_list("application_id", flat=True).first()
    if application_id is None:
        return "missing"
    with transaction.atomic():
        now = timezone.now()
        application, tasks = lock_application(application_id)
        task = next(t for t in tasks if t.pk == task_id)
        if task.status != S.READY:
            return f"skipped: {task.status}"
        if task.spec.decide != "automatic":
            return "skipped: decided by an officer"
        check_move(Task, S.READY, S.CLAIMED)
        check_move(Task, S.CLAIMED, S.APPROVED)
        claimed = event_build(
            actor=None,
            subject=task,
            event_type=EventType.TASK_CLAIMED,
            old_state=S.READY,
            new_state=S.CLAIMED,
            at=now,
            extra={"rule": RULE},
        )
        task.status = S.CLAIMED  # claimed by the rule in the same transaction; saved as approved
        try:
            approval_apply(
                task, tasks, actor=None, given={}, now=now, extra={"rule": RULE}, preceding=[claimed]
            )
        except FieldErrors as exc:
            write_events(
                [
                    event_build(
                        actor=None,
                        subject=task,
                        event_type=EventType.TASK_AUTOMATIC_FAILED,
                        old_state=S.READY,
                        new_state=S.READY,
                        at=now,
                        extra={"rule": RULE, "outputs": sorted(exc.errors)},
                    )
                ]
            )
            return "left for an officer"
    return "approved"


def automatic_decisions_requeue(*, now: datetime, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Queue again the automatic tasks still ready a while after they became ready: a decision whose
    queueing was lost (the process died between commit and enqueue) is then made all the same.
    Deciding twice is harmless: the second run finds the task no longer ready."""
    from banshi.catalog.models import BundleVersion

    automatic = {
        code
        for version in BundleVersion.objects.filter(applications__tasks__status=Task.Status.READY).distinct()
        for code, service in version.spec.services.items()
        if service.decide == "automatic"
    }
    stale = Task.objects.filter(
        status=Task.Status.READY, ready_at__lt=now - older_than, service__in=automatic
    ).select_related("application__bundle_version")
    count = 0
    for task in stale:
        if task.spec.decide == "automatic":
            decide_automatically_task.enqueue(task.id)
            count += 1
    return count
