"""Background work of cases, run by `manage.py db_worker`. Each task is thin: it takes ids, calls a
service and is safe to run twice."""

from django_tasks import task

from banshi.cases.services.automatic import task_decide_automatically

# Decisions unlock the next services, so they go before notifications waiting in the same queue.
DECISION_PRIORITY = 10


@task(priority=DECISION_PRIORITY)
def decide_automatically(task_id: int) -> str:
    return task_decide_automatically(task_id=task_id)


@task()
def sweep_deadlines_task() -> dict[str, int]:
    """Scheduled by the worker every few minutes; safe to run twice or in parallel."""
    from django.utils import timezone

    from banshi.cases.services.sweep import deadlines_sweep

    return deadlines_sweep(now=timezone.now())
