"""Background work of the open numbers, run by `manage.py db_worker`: thin, safe to run twice."""

from django.utils import timezone
from django_tasks import task


@task()
def refresh_numbers_task() -> dict[str, int]:
    """The same round as `manage.py refresh_numbers`: the recent days counted again, any missing day
    rolled up."""
    from banshi.stats.rollup import rollup_sweep

    return rollup_sweep(now=timezone.now())
