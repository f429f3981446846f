from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.cases.services.sweep import sweep_run


class Command(BaseCommand):
    help = (
        "Warn agencies' officers of tasks due within a working hour and of late tasks, once each, "
        "queue again automatic decisions that were not made, and queue again the jobs a stopped worker "
        "left running past their lease (TASK_LEASE_SECONDS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep_run(now=timezone.now())
        self.stdout.write(
            f"{result['due_soon']} due soon, {result['late']} late, {result['notifications']} notifications, "
            f"{result['requeued']} automatic decisions queued again"
        )
