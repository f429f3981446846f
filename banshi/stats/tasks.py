"""Background work of the open numbers, run by `manage.py db_worker`: thin, safe to run twice."""

from django.utils import timezone
from django_tasks import task


@task()
def refresh_numbers_task() -> dict[str, int]:
    """The same round as `manage.py refresh_numbers`: the recent days counted again, any missing day
    rolled up, and the counter's fixed part counted."""
    from banshi.stats.figures.problems import numbers_warm
    from banshi.stats.rollup import local_day, rollup_sweep

    now = timezone.now()
    stored = rollup_sweep(now=now)
    numbers_warm(today=local_day(now))
    return stored
