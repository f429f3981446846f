"""Background work of problems, run by `manage.py db_worker`: thin, safe to run twice."""

from django.utils import timezone
from django_tasks import task


@task()
def sweep_problem_deadlines_task() -> dict[str, int]:
    """The same sweep as `manage.py sweep_problem_deadlines`; safe to run twice or in parallel."""
    from banshi.problems.services.sweep import problems_deadlines_sweep

    return problems_deadlines_sweep(now=timezone.now())


@task()
def refresh_problem_stats_task() -> dict:
    """The statistics' roll-up brought up to date, as `manage.py problem_stats --refresh` does; for the
    worker to run every few minutes, beside the sweep. Safe to run twice or in parallel."""
    from banshi.problems.rollup import stats_rollup_refresh

    return stats_rollup_refresh(now=timezone.now())
