"""The sweep: warns an agency's officers of its tasks that are about to be late and of those that are
late, queues again the automatic decisions whose queueing was lost, takes up again the jobs a dead
worker left running, and deletes the uploads nothing used within a day. The worker runs it every few
minutes (`banshi.cases.tasks.sweep_deadlines_task`, or `manage.py sweep_deadlines`: both call
`sweep_run`); any number of workers may run it at once."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banshi.accounts.models import User
from banshi.audit.services import event_build, event_record
from banshi.cases.events import EventType
from banshi.cases.models import Task
from banshi.cases.services.automatic import automatic_decisions_requeue
from banshi.cases.services.flow import write_events
from banshi.cases.services.materials import uploads_purge
from banshi.directory.models import Membership
from banshi.notify.services import notification_send
from banshi.worktime.hours import working_deadline

logger = logging.getLogger(__name__)

DUE_SOON = timedelta(hours=1)
# A job begun this many times and never finished (it kills its worker, or outlives every lease) is not
# begun again: it is marked failed, for someone to look at.
JOB_TRIES = 3


def sweep_run(*, now: datetime) -> dict[str, int]:
    """The whole sweep: the jobs of dead workers taken up again, the deadline warnings, then the lost
    automatic decisions queued again, then the unused uploads purged (their audit event counts them)."""
    jobs_recover_abandoned(now=now)
    result = deadlines_sweep(now=now)
    result["requeued"] = automatic_decisions_requeue(now=now)
    uploads_purge(now=now)
    return result


class JobAbandoned(Exception):
    """What a job marked failed by `jobs_recover_abandoned` failed with."""


def jobs_recover_abandoned(*, now: datetime) -> int:
    """Take up again the jobs of the task queue that a worker began and never finished: a worker marks
    a job running when it takes it, and a worker killed meanwhile (kill -9, a lost machine) leaves it
    so for ever. A job running for longer than its lease (TASK_LEASE_SECONDS, far longer than any job
    takes) is put back in the queue, the same row ready again, for the next worker; one begun
    JOB_TRIES times is marked failed instead. Running a job again is safe: every task is (notifications
    mark each channel before sending it). Each move is a compare-and-set on the job's last start, with
    its audit event, so of two sweeps at once one moves it. Returns how many jobs it moved."""
    lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
    abandoned = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease).only(
        "id", "task_path", "started_at", "worker_ids"
    )
    moved = 0
    for job in abandoned:
        tries = len(job.worker_ids)
        again = tries < JOB_TRIES
        change: dict[str, object] = {"status": TaskResultStatus.READY}
        if not again:
            reason = f"begun {tries} times and never finished: each worker stopped before its end"
            change = {
                "status": TaskResultStatus.FAILED,
                "finished_at": now,
                "return_value": None,
                "exception_class_path": f"{JobAbandoned.__module__}.{JobAbandoned.__qualname__}",
                "traceback": f"{JobAbandoned.__qualname__}: {reason}",
            }
        with transaction.atomic():
            if not DBTaskResult.objects.filter(
                pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
            ).update(**change):
                continue  # finished meanwhile, or moved by another sweep
            event_record(
                actor=None,
                subject=job,
                event_type=EventType.JOB_TAKEN_UP_AGAIN if again else EventType.JOB_ABANDONED,
                old_state=TaskResultStatus.RUNNING,
                new_state=str(change["status"]),
                at=now,
                extra={
                    "task": job.task_path,
                    "tries": tries,
                    "started_at": job.started_at.isoformat() if job.started_at else "",
                },
            )
        moved += 1
        # The job's arguments stay out of the log: a text message's are its (sealed) content.
        logger.warning(
            "job %s (%s), begun at %s, was left running by a stopped worker: %s",
            job.pk,
            job.task_path,
            job.started_at.isoformat() if job.started_at else "?",
            "queued again" if again else f"marked failed after {tries} tries",
        )
    return moved


def deadlines_sweep(*, now: datetime) -> dict[str, int]:
    """Mark each running task due within `DUE_SOON` of office time, and each late one, and tell its
    agency's officers: each warning once per task. The mark is a compare-and-set in the same
    transaction as the notifications and the audit event, so of two sweeps racing for a task exactly
    one warns, and a failure leaves the task to the next sweep."""
    soon_until = working_deadline(now, DUE_SOON).at
    running = Task.objects.filter(status__in=Task.RUNNING, deadline__isnull=False)
    late_filter = {"deadline__lte": now, "late_notified_at__isnull": True}
    soon_filter = {
        "deadline__gt": now,
        "deadline__lte": soon_until,
        "due_soon_notified_at__isnull": True,
    }
    related = ("application__bundle_version", "agency")
    late = list(running.filter(**late_filter).select_related(*related).order_by("deadline", "id"))
    soon = list(running.filter(**soon_filter).select_related(*related).order_by("deadline", "id"))
    officers = _officers_by_agency({task.agency_id for task in late + soon})
    result = {"due_soon": 0, "late": 0, "notifications": 0}
    for kind, tasks, condition in (("late", late, late_filter), ("due_soon", soon, soon_filter)):
        for task in tasks:
            sent = _warn(task, kind=kind, condition=condition, officers=officers[task.agency_id], now=now)
            if sent is not None:
                result[kind] += 1
                result["notifications"] += sent
    return result


def _officers_by_agency(agency_ids: set[int]) -> dict[int | None, list[User]]:
    officers: dict[int | None, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=Membership.Role.OFFICER, agency_id__in=agency_ids, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("user_id"):
        officers[membership.agency_id].append(membership.user)
    return officers


def _warn(
    task: Task, *, kind: str, condition: dict[str, Any], officers: list[User], now: datetime
) -> int | None:
    """Warn about one task unless another sweep did, or the task moved on; the number of
    notifications sent, or None when this sweep did not mark the task."""
    if task.deadline is None:  # a task without a deadline is never late (the sweep selects none)
        return None
    field = "late_notified_at" if kind == "late" else "due_soon_notified_at"
    with transaction.atomic():
        marked = Task.objects.filter(pk=task.pk, status__in=Task.RUNNING, **condition).update(**{field: now})
        if marked != 1:
            return None
        names = {
            "service": task.spec.name,
            "number": task.application.number,
            "deadline": timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M"),
        }
        if kind == "late":
            title = _("Late: %(service)s, application %(number)s") % names
            body = _("It was due by %(deadline)s.") % names
        else:
            title = _("Due soon: %(service)s, application %(number)s") % names
            body = _("It is due by %(deadline)s.") % names
        url = task.get_absolute_url()
        for officer in officers:
            notification_send(user=officer, title=title, body=body, url=url)
        write_events(
            [
                event_build(
                    actor=None,
                    subject=task,
                    event_type=EventType.TASK_LATE if kind == "late" else EventType.TASK_DUE_SOON,
                    at=now,
                    extra={"deadline": task.deadline.isoformat(), "officers_notified": len(officers)},
                )
            ]
        )
    return len(officers)
