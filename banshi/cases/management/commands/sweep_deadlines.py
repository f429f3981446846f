from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.cases.services.automatic import automatic_decisions_requeue
from banshi.cases.services.sweep import deadlines_sweep


class Command(BaseCommand):
    help = (
        "Warn agencies' officers of tasks due within a working hour and of late tasks, once each, and "
        "queue again automatic decisions that were not made."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        result = deadlines_sweep(now=now)
        requeued = automatic_decisions_requeue(now=now)
        self.stdout.write(
            f"{result['due_soon']} due soon, {result['late']} late, {result['notifications']} notifications, "
            f"{requeued} automatic decisions queued again"
        )
