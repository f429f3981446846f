"""Background work of cases, run by `manage.py db_worker`. Each task is thin: it takes ids, calls a
service and is safe to run twice. Services import these tasks at the top (as `…_task`) to queue them;
a task imports its service only when it runs."""

from django.utils import timezone
from django_tasks import task

# Decisions unlock the next services, so they go before notifications waiting in the same queue.
DECISION_PRIORITY = 10


@task(priority=DECISION_PRIORITY)
def decide_automatically(task_id: int) -> str:
    from banshi.cases.services.automatic import task_decide_automatically

    return task_decide_automatically(task_id=task_id)


@task()
def sweep_deadlines_task() -> dict[str, int]:
    """Scheduled by the worker every few minutes; safe to run twice or in parallel. The same sweep as
    `manage.py sweep_deadlines`."""
    from banshi.cases.services.sweep import sweep_run

    return sweep_run(now=timezone.now())
