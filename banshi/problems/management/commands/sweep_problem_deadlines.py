from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.problems.services.sweep import problems_deadlines_sweep


class Command(BaseCommand):
    help = (
        "Warn units' officers of the problem reports they hold that are due soon (the last fifth of the "
        "time limit) and of late ones, once per deadline."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = problems_deadlines_sweep(now=timezone.now())
        self.stdout.write(
            f"{result['due_soon']} due soon, {result['late']} late, {result['notifications']} notifications"
        )
