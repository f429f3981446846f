from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.cases.services.sweep import deadlines_sweep


class Command(BaseCommand):
    help = "Warn agencies' officers of tasks due within a working hour and of late tasks, once each."

    def handle(self, *args, **options):
        result = deadlines_sweep(now=timezone.now())
        self.stdout.write(
            f"{result['due_soon']} due soon, {result['late']} late, {result['notifications']} notifications"
        )
